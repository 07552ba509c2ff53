export { woocommerce } from './platform';
export { wooCommerceProfile } from './profile';
export { WooCommerceInventory } from './inventory';
export { wooCommerceOrderWebhooks } from './orderWebhooks';
