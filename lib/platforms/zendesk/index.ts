export { zendesk } from './platform';
export { zendeskProfile } from './profile';
export { ZendeskCrm } from './crm';
export { zendeskDefaultMappings } from './mappings';
export { zendeskCrmWebhooks } from './crmWebhooks';
