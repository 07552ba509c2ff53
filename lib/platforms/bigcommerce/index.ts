export { bigCommerceProfile } from './profile';
export { BigCommerceInventory } from './inventory';
