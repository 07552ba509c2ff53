export { magento } from './platform';
export { magentoProfile } from './profile';
export { MagentoInventory } from './inventory';
