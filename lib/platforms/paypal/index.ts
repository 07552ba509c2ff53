export { paypal } from './platform';
export { payPalProfile, payPalFailures, payPalIssue, payPalRoutingProfile, PAYPAL_REFRESH_PROBE_PATH } from './profile';
export { PayPalPayments } from './payments';
export { PayPalOAuthClient, fetchPayPalToken, type PayPalClientCredentials } from './auth';
export { payPalPaymentWebhooks } from './paymentWebhooks';
