export { marketo } from './platform';
export { marketoProfile, MARKETO_MAX_CONCURRENT } from './profile';
export { MarketoMarketing, marketoDefaultMappings } from './marketing';
export { MarketoOAuthClient, fetchMarketoToken, type MarketoClientCredentials } from './auth';
