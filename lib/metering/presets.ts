/**
 * The product's price list as named plans: one declaration per plan, priced by the same engine as a custom plan.
 * Prices are decimal text (never floats) in USD. Where the price list names a quota but no price for going past it
 * (api calls, stores, orders, products), the excess is reported as over the plan, not billed; the Usage Meter can
 * refuse it instead (Quota Enforcement). Sync overage on a subscription is billed at the per-record tiers, and
 * platform overage at the per-platform price: the two prices the list gives for those units.
 */
import type { ChargeInput, PlanInput, TierInput } from './plan';
import { validatePlan, type Plan } from './plan';

/** CRM sync per record synced: $0.01 for the first 10,000, $0.005 to 100,000, $0.001 beyond. */
const SYNC_TIERS: TierInput[] = [
	{ upTo: 10_000, unitPrice: '0.01' },
	{ upTo: 100_000, unitPrice: '0.005' },
	{ upTo: null, unitPrice: '0.001' },
];
const PLATFORM_PRICE = '25.00';

const syncs = (included: number | 'unlimited'): ChargeInput => ({ meter: 'syncs', model: 'graduated', included, tiers: SYNC_TIERS, description: 'Records synced' });
const platforms = (included: number | 'unlimited'): ChargeInput => ({ meter: 'platforms', model: 'per_unit', included, unitPrice: PLATFORM_PRICE, description: 'Connected platforms' });
/** A quota without a price for its excess: reported over the plan (or refused when enforced). */
const quota = (meter: string, included: number | 'unlimited', description: string): ChargeInput => ({ meter, model: 'per_unit', included, onExceed: 'report', description });
const perUnit = (meter: string, unitPrice: string, description: string, extra: Partial<ChargeInput> = {}): ChargeInput => ({ meter, model: 'per_unit', unitPrice, description, ...extra });

const usd = (id: string, name: string, rest: Omit<PlanInput, 'id' | 'name' | 'currency'>): PlanInput => ({ id, name, currency: 'USD', ...rest });

/** Every preset, in the order the node lists them. */
export const PLAN_PRESETS: readonly PlanInput[] = [
	usd('crm_sync_per_record', 'CRM Sync, per record synced', { charges: [syncs(0)] }),
	usd('crm_basic', 'CRM Basic', { recurringFee: '99.00', charges: [syncs(10_000), platforms(2)] }),
	usd('crm_professional', 'CRM Professional', { recurringFee: '299.00', charges: [syncs(100_000), platforms(5)] }),
	usd('crm_enterprise', 'CRM Enterprise', { recurringFee: '999.00', charges: [syncs('unlimited'), platforms('unlimited')] }),
	usd('integration_hub', 'Integration Hub, per integration', { setupFee: '100.00', recurringFee: '50.00', charges: [platforms(1)] }),
	usd('integration_starter', 'Integration Hub Starter', {
		recurringFee: '99.00',
		charges: [platforms(2), syncs(10_000), quota('api_calls', 50_000, 'API calls')],
	}),
	usd('integration_professional', 'Integration Hub Professional', {
		recurringFee: '299.00',
		charges: [platforms(5), syncs(100_000), quota('api_calls', 500_000, 'API calls')],
	}),
	usd('ecommerce_starter', 'E-commerce Starter', {
		recurringFee: '149.00',
		charges: [quota('stores', 1, 'Stores'), quota('orders', 1_000, 'Orders'), quota('products', 500, 'Products')],
	}),
	usd('ecommerce_growth', 'E-commerce Growth', {
		recurringFee: '399.00',
		charges: [quota('stores', 5, 'Stores'), quota('orders', 10_000, 'Orders'), quota('products', 5_000, 'Products')],
	}),
	usd('ecommerce_enterprise', 'E-commerce Enterprise', {
		recurringFee: '999.00',
		charges: [quota('stores', 'unlimited', 'Stores'), quota('orders', 'unlimited', 'Orders'), quota('products', 'unlimited', 'Products')],
	}),
	usd('payments', 'Payments, per transaction', { charges: [{ meter: 'transactions', model: 'per_transaction', fixed: '0.10', percent: '0.5', description: 'Payment transactions' }] }),
	usd('events', 'Events', { charges: [perUnit('events', '0.001', 'Events routed', { minimum: '10.00' })] }),
	usd('marketing', 'Marketing', { charges: [perUnit('contacts', '0.02', 'Contacts'), perUnit('campaigns', '0.10', 'Campaign executions')] }),
	usd('support', 'Support', { charges: [perUnit('tickets', '0.10', 'Tickets')] }),
	usd('accounting', 'Accounting', { charges: [perUnit('transactions', '0.25', 'Accounting transactions')] }),
	usd('social', 'Social', { charges: [perUnit('posts', '0.05', 'Posts published')] }),
];

const validated = new Map<string, Plan>(PLAN_PRESETS.map((input) => [input.id, validatePlan(input)]));

/** The validated preset plan with this id; throws naming the known ids for any other. */
export function presetPlan(id: string): Plan {
	const plan = validated.get(id);
	if (!plan) throw new Error(`Unknown plan preset ${JSON.stringify(id)}; use one of ${[...validated.keys()].join(', ')}`);
	return plan;
}
