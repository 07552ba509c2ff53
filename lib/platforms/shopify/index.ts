export { shopifyProfile, type ShopifyCost } from './profile';
export { ShopifyInventory } from './inventory';
