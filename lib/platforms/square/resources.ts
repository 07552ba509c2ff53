import type { Transport } from '../../transport/transport';
import { toMajorString } from '../../records/money';
import { matching, planName, type ResourceLister, type ResourceQuery } from '../resources';
import { SQUARE_VERSION } from './profile';

/** The seller's active locations (one call: Square lists them all, by name), for the location payments are taken at. */
async function locations(transport: Transport, query: ResourceQuery) {
	const body = await transport.request<{ locations?: Array<{ id: string; name: string; status?: string }> }>({ method: 'GET', url: '/v2/locations', headers: { 'Square-Version': SQUARE_VERSION } });
	const active = (body.locations ?? []).filter((location) => location.status !== 'INACTIVE').map((location) => ({ id: location.id, name: location.name }));
	return { options: matching(active, query.filter) };
}

interface PlanVariation {
	id: string;
	is_deleted?: boolean;
	subscription_plan_variation_data?: {
		name: string;
		phases?: Array<{ cadence: string; ordinal?: number | null; pricing?: { price_money?: { amount: number; currency: string } | null } | null; recurring_price_money?: { amount: number; currency: string } | null }>;
	};
}

/** Square's cadences in words ("MONTHLY" → "month"). */
const CADENCES: Record<string, string> = {
	DAILY: 'day', WEEKLY: 'week', EVERY_TWO_WEEKS: '2 weeks', THIRTY_DAYS: '30 days', SIXTY_DAYS: '60 days', NINETY_DAYS: '90 days', MONTHLY: 'month',
	EVERY_TWO_MONTHS: '2 months', QUARTERLY: 'quarter', EVERY_FOUR_MONTHS: '4 months', EVERY_SIX_MONTHS: '6 months', ANNUAL: 'year', EVERY_TWO_YEARS: '2 years',
};

/**
 * The subscription plan variations a subscription is made to (ListCatalog `types=SUBSCRIPTION_PLAN_VARIATION`, Square's
 * cursor), each named with what its lasting (last) phase bills; the search box filters each page.
 */
async function planVariations(transport: Transport, query: ResourceQuery) {
	const params = new URLSearchParams({ types: 'SUBSCRIPTION_PLAN_VARIATION', ...(query.cursor ? { cursor: query.cursor } : {}) });
	const body = await transport.request<{ objects?: PlanVariation[]; cursor?: string }>({ method: 'GET', url: `/v2/catalog/list?${params}`, headers: { 'Square-Version': SQUARE_VERSION } });
	const variations = (body.objects ?? []).filter((object) => !object.is_deleted && object.subscription_plan_variation_data);
	const options = variations.map((variation) => ({ id: variation.id, name: variationName(variation.subscription_plan_variation_data!) }));
	return { options: matching(options, query.filter), next: body.cursor || undefined };
}

function variationName(data: NonNullable<PlanVariation['subscription_plan_variation_data']>): string {
	const lasting = [...(data.phases ?? [])].sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0)).at(-1);
	const money = lasting?.pricing?.price_money ?? lasting?.recurring_price_money;
	const every = lasting ? CADENCES[lasting.cadence] : undefined;
	return planName(data.name, money && every ? { amount: toMajorString(money.amount, money.currency), currency: money.currency, every } : undefined);
}

export const squareResources: Record<string, ResourceLister> = { locations, planVariations };
