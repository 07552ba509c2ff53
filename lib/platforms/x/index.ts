export { x } from './platform';
export { xProfile, xProductionUrl, DUPLICATE_CONTENT } from './profile';
export { XSocial, xRules, xWeightedLength } from './social';
