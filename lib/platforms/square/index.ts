export { squareProfile, squareFailures, squareRoutingProfile, SQUARE_VERSION } from './profile';
export { SquarePayments } from './payments';
