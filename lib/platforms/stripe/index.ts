export { stripe } from './platform';
export { stripeProfile, stripeFailures, stripeRoutingProfile } from './profile';
export { StripePayments } from './payments';
export { verifyStripeSignature, STRIPE_SIGNATURE_HEADER } from './webhook';
export { stripePaymentWebhooks } from './paymentWebhooks';
