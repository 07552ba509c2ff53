export { salesforce } from './platform';
export { salesforceProfile } from './profile';
export { SalesforceCrm, INTEGRATION_ID_FIELD, SALESFORCE_API_VERSION } from './crm';
export { salesforceDefaultMappings } from './mappings';
