export { linkedin } from './platform';
export { linkedInProfile, linkedInProductionUrl, LINKEDIN_VERSION } from './profile';
export { LinkedInSocial, linkedInRules, escapeCommentary } from './social';
