import { toMajorString } from '../../records/money';
import type { Transport } from '../../transport/transport';
import { billingPeriod, matching, planName, type ResourceLister, type ResourceQuery } from '../resources';

interface StripePrice {
	id: string;
	nickname?: string | null;
	product: string | { id: string; name?: string };
	currency: string;
	unit_amount?: number | null;
	recurring?: { interval: string; interval_count: number } | null;
}

/** Stripe's largest page. */
const PAGE_SIZE = 100;

/**
 * The prices a subscription can bill (`GET /v1/prices?active=true&type=recurring`), newest first, a page at a time after
 * the last one shown; each named by its nickname (else its product) and what it bills. Stripe's list cannot search by
 * name: the search box filters each page.
 */
async function prices(transport: Transport, query: ResourceQuery) {
	const params = new URLSearchParams({ active: 'true', type: 'recurring', limit: String(PAGE_SIZE), ...(query.cursor ? { starting_after: query.cursor } : {}) });
	const page = await transport.request<{ data: StripePrice[]; has_more: boolean }>({ method: 'GET', url: `/v1/prices?${params}` });
	const options = page.data.map((price) => ({ id: price.id, name: priceName(price), url: `https://dashboard.stripe.com/prices/${price.id}` }));
	const last = page.data.at(-1);
	return { options: matching(options, query.filter), next: page.has_more && last ? last.id : undefined };
}

function priceName(price: StripePrice): string {
	const product = typeof price.product === 'string' ? price.product : (price.product.name ?? price.product.id);
	const amount = typeof price.unit_amount === 'number' ? toMajorString(price.unit_amount, price.currency.toUpperCase()) : undefined;
	const every = price.recurring ? billingPeriod(price.recurring.interval, price.recurring.interval_count) : undefined;
	return planName(price.nickname || product, amount && every ? { amount, currency: price.currency, every } : undefined);
}

export const stripeResources: Record<string, ResourceLister> = { prices };
