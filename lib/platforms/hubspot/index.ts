export { hubspot } from './platform';
export { hubSpotProfile } from './profile';
export { HubSpotCrm } from './crm';
export { hubSpotDefaultMappings } from './mappings';
export { hubSpotCrmWebhooks } from './crmWebhooks';
