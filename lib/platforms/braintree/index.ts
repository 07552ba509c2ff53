export { braintreeProfile, braintreeFailures, BRAINTREE_VERSION } from './profile';
export { BraintreePayments } from './payments';
