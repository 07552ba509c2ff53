export { zendesk } from './platform';
export { zendeskProfile } from './profile';
export { ZendeskCrm } from './crm';
export { zendeskDefaultMappings } from './mappings';
