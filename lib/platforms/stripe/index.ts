export { stripeProfile, stripeFailures, stripeRoutingProfile } from './profile';
export { StripePayments } from './payments';
