export { wooCommerceProfile } from './profile';
export { WooCommerceInventory } from './inventory';
