export { xero } from './platform';
export { xeroProfile, xeroErrorMessage, xeroProductionUrl } from './profile';
export { XeroAccounting, type XeroSettings } from './accounting';
