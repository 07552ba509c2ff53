export { shopify } from './platform';
export { shopifyProfile, type ShopifyCost } from './profile';
export { ShopifyInventory } from './inventory';
export { shopifyOrderWebhooks } from './orderWebhooks';
