export { quickbooks } from './platform';
export { quickBooksProfile, quickBooksFault, QUICKBOOKS_MINOR_VERSION, quickBooksProductionUrl, quickBooksSandboxUrl } from './profile';
export { QuickBooksAccounting, type QuickBooksSettings } from './accounting';
