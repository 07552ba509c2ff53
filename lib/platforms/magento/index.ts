export { magentoProfile } from './profile';
export { MagentoInventory } from './inventory';
