export { facebook } from './platform';
export { facebookProfile } from './profile';
export { FacebookSocial, facebookRules } from './social';
export { GRAPH_VERSION, graphError, graphProductionUrl, graphProfile, remainingFromUsage } from './graph';
