export { square } from './platform';
export { squareProfile, squareFailures, squareRoutingProfile, SQUARE_VERSION } from './profile';
export { SquarePayments } from './payments';
export { verifySquareSignature, SQUARE_SIGNATURE_HEADER } from './webhook';
export { squarePaymentWebhooks } from './paymentWebhooks';
