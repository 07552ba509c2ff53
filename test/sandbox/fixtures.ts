/**
 * What tests, benchmarks and the demo need of a sandbox beyond serving its vendor's API, by capability: where its API
 * base is, how to seed it as a user would have set the vendor up, how to read it back. Each sandbox folder exports its
 * own; the helpers (test/support/inventoryStores.ts, test/engine/marketingPlatforms.ts) list the vendors from the
 * catalog and take their fixtures from here, so adding a vendor is its sandbox folder and one line below.
 */
import type { InventoryFixture, MarketingFixture } from './framework/fixtures';
import { bigcommerceInventory } from './bigcommerce/inventoryFixture';
import { magentoInventory } from './magento/inventoryFixture';
import { shopifyInventory } from './shopify/inventoryFixture';
import { woocommerceInventory } from './woocommerce/inventoryFixture';
import { activecampaignMarketing } from './activecampaign/marketingFixture';
import { hubspotMarketing } from './hubspot/marketingFixture';
import { mailchimpMarketing } from './mailchimp/marketingFixture';
import { marketoMarketing } from './marketo/marketingFixture';

export const inventoryFixtures: Readonly<Record<string, InventoryFixture>> = {
	shopify: shopifyInventory,
	woocommerce: woocommerceInventory,
	magento: magentoInventory,
	bigcommerce: bigcommerceInventory,
};

export const marketingFixtures: Readonly<Record<string, MarketingFixture>> = {
	hubspot: hubspotMarketing,
	mailchimp: mailchimpMarketing,
	marketo: marketoMarketing,
	activecampaign: activecampaignMarketing,
};

/** A vendor's fixture for a capability; a vendor the catalog lists without one is an error naming where it goes. */
export function fixtureOf<F>(fixtures: Readonly<Record<string, F>>, platform: string, capability: string): F {
	const fixture = fixtures[platform];
	if (!fixture) throw new Error(`The ${platform} sandbox has no ${capability} fixture: export one from test/sandbox/${platform}/ and list it in test/sandbox/fixtures.ts`);
	return fixture;
}

export { picked, type InventoryFixture, type MarketingFixture } from './framework/fixtures';
