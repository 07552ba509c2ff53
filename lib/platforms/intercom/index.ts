export { intercom } from './platform';
export { intercomProfile } from './profile';
export { IntercomCrm, INTERCOM_VERSION } from './crm';
export { intercomDefaultMappings } from './mappings';
export { intercomCrmWebhooks } from './crmWebhooks';
