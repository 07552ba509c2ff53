export { stripeProfile, stripeFailures } from './profile';
export { StripePayments } from './payments';
