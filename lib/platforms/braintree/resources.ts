import type { Transport } from '../../transport/transport';
import type { PlatformSettings } from '../platformSettings';
import { billingPeriod, matching, planName, type ResourceLister, type ResourceQuery } from '../resources';
import { BraintreeGatewayClient } from './gateway';
import type { GatewayValue } from './xml';
import { BRAINTREE_VERSION, type BraintreeBody } from './profile';

interface MerchantAccountNode {
	id: string;
	dbaName?: string | null;
	currencyCode?: string | null;
	status?: string | null;
	isDefault?: boolean | null;
}

interface MerchantAccountPage {
	edges?: Array<{ node?: MerchantAccountNode | null } | null> | null;
	pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** Braintree's largest page of merchant accounts. */
const PAGE_SIZE = 50;

const MERCHANT_ACCOUNTS = `query MerchantAccounts($first: Int, $after: String) {
	viewer { merchant { merchantAccounts(first: $first, after: $after) { edges { node { id dbaName currencyCode status isDefault } } pageInfo { hasNextPage endCursor } } } }
}`;

/**
 * The merchant's accounts that can take payments (ACTIVE: a pending or suspended one refuses them), a page at a time
 * through GraphQL's `viewer.merchant.merchantAccounts`; each named with its currency, since an account takes one.
 */
async function merchantAccounts(transport: Transport, query: ResourceQuery) {
	const body = await transport.request<BraintreeBody>(
		{ method: 'POST', url: '/graphql', headers: { 'Braintree-Version': BRAINTREE_VERSION }, body: { query: MERCHANT_ACCOUNTS, variables: { first: PAGE_SIZE, after: query.cursor ?? null } } },
		{ replaySafe: true },
	);
	const page = (body.data?.viewer as { merchant?: { merchantAccounts?: MerchantAccountPage | null } | null } | null)?.merchant?.merchantAccounts;
	if (!page) throw new Error('Braintree listed no merchant accounts: the API keys may lack the right to read the merchant');
	const accounts = (page.edges ?? []).flatMap((edge) => (edge?.node && edge.node.status === 'ACTIVE' ? [edge.node] : []));
	const options = accounts.map((account) => ({ id: account.id, name: `${account.dbaName || account.id} (${[account.currencyCode, account.isDefault ? 'default' : ''].filter(Boolean).join(', ')})` }));
	return { options: matching(options, query.filter), next: page.pageInfo.hasNextPage && page.pageInfo.endCursor ? page.pageInfo.endCursor : undefined };
}

/**
 * The plans made in the Control Panel that subscriptions bill (the gateway API's `GET /merchants/{id}/plans`: GraphQL
 * has no plans, and the list is one page), each named with its price and how many months apart it bills.
 */
async function plans(transport: Transport, query: ResourceQuery, settings?: PlatformSettings) {
	const gateway = new BraintreeGatewayClient(transport, settings ?? { baseUrl: '' });
	const listed = (await gateway.call('GET', '/plans')).plans;
	const options = (Array.isArray(listed) ? listed : []).flatMap((plan: GatewayValue) => {
		if (plan === null || typeof plan !== 'object' || Array.isArray(plan) || typeof plan.id !== 'string') return [];
		const text = (field: string) => (typeof plan[field] === 'string' ? (plan[field] as string) : undefined);
		const [price, currency, months] = [text('price'), text('currencyIsoCode'), Number(plan.billingFrequency)];
		const billed = price && currency && Number.isInteger(months) && months > 0 ? { amount: price, currency, every: billingPeriod('month', months) } : undefined;
		return [{ id: plan.id, name: planName(text('name') || plan.id, billed) }];
	});
	return { options: matching(options, query.filter) };
}

export const braintreeResources: Record<string, ResourceLister> = { merchantAccounts, plans };
