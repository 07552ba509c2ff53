export { braintree } from './platform';
export { braintreeProfile, braintreeFailures, braintreeRoutingProfile, BRAINTREE_VERSION } from './profile';
export { BraintreePayments } from './payments';
