/**
 * Every vendor the package knows: one import and one entry per vendor folder. Node option lists, credential slots,
 * settings and the standalone connections are all read from here.
 */
import type { CredentialValues, PlatformDefinition } from '../definition';
import { standaloneConnection, type StandaloneConnection } from '../standalone';
import type { HttpClient } from '../../transport/types';
import { activecampaign } from '../activecampaign';
import { bigcommerce } from '../bigcommerce';
import { braintree } from '../braintree';
import { freshbooks } from '../freshbooks';
import { freshdesk } from '../freshdesk';
import { hubspot } from '../hubspot';
import { intercom } from '../intercom';
import { magento } from '../magento';
import { mailchimp } from '../mailchimp';
import { marketo } from '../marketo';
import { paypal } from '../paypal';
import { quickbooks } from '../quickbooks';
import { salesforce } from '../salesforce';
import { shopify } from '../shopify';
import { square } from '../square';
import { stripe } from '../stripe';
import { woocommerce } from '../woocommerce';
import { xero } from '../xero';
import { zendesk } from '../zendesk';
import { x } from '../x';
import { linkedin } from '../linkedin';
import { facebook } from '../facebook';
import { instagram } from '../instagram';

/** In the order node option lists show them. */
export const platformCatalog: readonly PlatformDefinition[] = [
	hubspot,
	salesforce,
	zendesk,
	intercom,
	freshdesk,
	stripe,
	square,
	paypal,
	braintree,
	shopify,
	woocommerce,
	magento,
	bigcommerce,
	mailchimp,
	marketo,
	activecampaign,
	quickbooks,
	xero,
	freshbooks,
	x,
	linkedin,
	facebook,
	instagram,
];

export type Capability = 'crm' | 'marketing' | 'payments' | 'inventory' | 'accounting' | 'social' | 'products' | 'customers' | 'orderWebhooks' | 'paymentWebhooks' | 'crmWebhooks';

/** The platform declared under this id; an unknown id is an error naming it. */
export function platformDefinition(platform: string): PlatformDefinition {
	const definition = platformCatalog.find((candidate) => candidate.id === platform);
	if (!definition) throw new Error(`Unknown platform "${platform}"; known: ${platformCatalog.map((candidate) => candidate.id).join(', ')}`);
	return definition;
}

/** The platforms that serve a capability, in catalog order. */
export function platformsServing(capability: Capability): PlatformDefinition[] {
	return platformCatalog.filter((definition) => definition[capability] !== undefined);
}

/** The vendors a capability's Verify operation checks: those declaring the header their signature arrives in. */
export function verifiableWebhookSources(kind: 'crmWebhooks' | 'paymentWebhooks' | 'orderWebhooks'): Array<{ name: string; value: string; signsUrl: boolean }> {
	return platformCatalog
		.flatMap((definition) => {
			const scheme = definition[kind];
			return scheme?.signatureHeader ? [{ name: `${definition.displayName} (${scheme.signatureHeader})`, value: definition.id, signsUrl: scheme.signsUrl === true }] : [];
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** `{ name, value }` options for a node's platform list. */
export function platformOptions(capability: Capability): Array<{ name: string; value: string }> {
	return platformsServing(capability).map((definition) => ({ name: definition.displayName, value: definition.id }));
}

/** A platform outside n8n (demo, benchmarks, checks), from its credential's field values: see `standaloneConnection`. */
export function connectStandalone(platform: string, values: CredentialValues, inner?: HttpClient): StandaloneConnection {
	return standaloneConnection(platformDefinition(platform), values, inner);
}

/** An HTTP client authenticated for the platform as its credential's values say, outside n8n. */
export function standaloneHttpClient(platform: string, values: CredentialValues, inner?: HttpClient): HttpClient {
	return connectStandalone(platform, values, inner).client;
}
