export { payPalProfile, payPalFailures, payPalIssue } from './profile';
export { PayPalPayments } from './payments';
export { PayPalOAuthClient, fetchPayPalToken, type PayPalClientCredentials } from './auth';
