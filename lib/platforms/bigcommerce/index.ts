export { bigcommerce } from './platform';
export { bigCommerceProfile } from './profile';
export { BigCommerceInventory } from './inventory';
export { bigCommerceOrderWebhooks, BIGCOMMERCE_SECRET_HEADER } from './orderWebhooks';
