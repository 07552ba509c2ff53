export { squareProfile, squareFailures, SQUARE_VERSION } from './profile';
export { SquarePayments } from './payments';
