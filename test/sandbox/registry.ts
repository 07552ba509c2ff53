/** Every sandbox by name. Adding a vendor is one line in `factories`. */
import { type SandboxExchange, type SandboxServerOptions, startSandboxServer } from './framework/server';
import type { RateLimitSpec } from './framework/rateLimit';
import type { VendorSandboxFactory } from './framework/types';
import { createBraintreeSandbox } from './braintree';
import { createBigCommerceSandbox } from './bigcommerce';
import { createHubspotSandbox } from './hubspot';
import { createMailchimpSandbox } from './mailchimp';
import { createMarketoSandbox } from './marketo';
import { createActiveCampaignSandbox } from './activecampaign';
import { createMagentoSandbox } from './magento';
import { createPayPalSandbox } from './paypal';
import { createReceiversSandbox } from './receivers';
import { createShopifySandbox } from './shopify';
import { createSalesforceSandbox } from './salesforce';
import { createZendeskSandbox } from './zendesk';
import { createIntercomSandbox } from './intercom';
import { createFreshdeskSandbox } from './freshdesk';
import { createSquareSandbox } from './square';
import { createStripeSandbox } from './stripe';
import { createWooCommerceSandbox } from './woocommerce';
import { createQuickBooksSandbox } from './quickbooks';
import { createXeroSandbox } from './xero';
import { createFreshBooksSandbox } from './freshbooks';
import { createXSandbox } from './x';
import { createLinkedInSandbox } from './linkedin';
import { createFacebookSandbox } from './facebook';
import { createInstagramSandbox } from './instagram';

const factories = {
	hubspot: createHubspotSandbox,
	salesforce: createSalesforceSandbox,
	zendesk: createZendeskSandbox,
	intercom: createIntercomSandbox,
	receivers: createReceiversSandbox,
	stripe: createStripeSandbox,
	paypal: createPayPalSandbox,
	square: createSquareSandbox,
	braintree: createBraintreeSandbox,
	shopify: createShopifySandbox,
	woocommerce: createWooCommerceSandbox,
	magento: createMagentoSandbox,
	bigcommerce: createBigCommerceSandbox,
	mailchimp: createMailchimpSandbox,
	marketo: createMarketoSandbox,
	activecampaign: createActiveCampaignSandbox,
	quickbooks: createQuickBooksSandbox,
	xero: createXeroSandbox,
	freshbooks: createFreshBooksSandbox,
	freshdesk: createFreshdeskSandbox,
	x: createXSandbox,
	linkedin: createLinkedInSandbox,
	facebook: createFacebookSandbox,
	instagram: createInstagramSandbox,
} satisfies Record<string, VendorSandboxFactory>;

export type SandboxName = keyof typeof factories;

export const sandboxNames = Object.keys(factories) as SandboxName[];

export interface RunningSandbox {
	name: string;
	baseUrl: string;
	port: number;
	/** What a client needs to authenticate, e.g. `{ accessToken }` for HubSpot. */
	credentials: Record<string, string>;
	close(): Promise<void>;
}

/**
 * `port` 0 (the default) picks a free port; `rateLimits` adjusts the vendor's default windows (see RateLimitSpec);
 * `onExchange` sees every API request and its response (see support/conformance.ts).
 */
export function startSandbox(
	name: SandboxName,
	options: { port?: number; rateLimits?: unknown; onExchange?: (exchange: SandboxExchange) => void } = {},
): Promise<RunningSandbox> {
	const factory = factories[name];
	if (!factory) return Promise.reject(new Error(`unknown sandbox ${String(name)}; known: ${sandboxNames.join(', ')}`));
	const serverOptions: SandboxServerOptions = { port: options.port, rateLimits: options.rateLimits as RateLimitSpec | undefined, onExchange: options.onExchange };
	return startSandboxServer(name, factory, serverOptions);
}

/** Starts every sandbox: on basePort, basePort + 1, ... in registry order, or each on a free port. */
export async function startAllSandboxes(options: { basePort?: number } = {}): Promise<RunningSandbox[]> {
	const running: RunningSandbox[] = [];
	try {
		for (const [index, name] of sandboxNames.entries()) {
			const port = options.basePort === undefined ? 0 : options.basePort + index;
			running.push(await startSandbox(name, { port }));
		}
		return running;
	} catch (error) {
		await Promise.allSettled(running.map((sandbox) => sandbox.close()));
		throw error;
	}
}
