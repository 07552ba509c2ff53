/**
 * The product's price list as Usage Meter presets, each priced for hand-calculated usage. Amounts are exact decimals
 * rounded once per invoice line, half away from zero (so $0.71725 of payment fees is $0.72).
 */
import { PLAN_PRESETS, presetPlan, priceUsage, validatePlan, type Invoice, type MeterUsage } from '../../lib/metering';
import { planProperties } from '../../nodes/UsageMeter/actions/properties';

const sum = (quantity: number, amountMinor = 0): MeterUsage => ({ quantity, maxQuantity: quantity, amountMinor, events: quantity });
/** A gauge (platforms, stores): reported several times, priced by its largest report. */
const gauge = (max: number): MeterUsage => ({ quantity: max * 3, maxQuantity: max, amountMinor: 0, events: 3 });
const price = (preset: string, usage: Record<string, MeterUsage>, firstPeriod = false) => priceUsage(presetPlan(preset), usage, { firstPeriod });
const lines = (invoice: Invoice) => invoice.lines.map((line) => [line.meter ?? line.kind, line.amount.amount]);

test('every preset is a valid USD plan with a unique id', () => {
	const ids = PLAN_PRESETS.map((preset) => preset.id);
	expect(new Set(ids).size).toBe(ids.length);
	for (const id of ids) expect(presetPlan(id).currency).toBe('USD');
	expect(() => presetPlan('crm_gold')).toThrow(/Unknown plan preset "crm_gold"; use one of crm_sync_per_record, crm_basic/);
});

describe('CRM sync', () => {
	test('per record: 10,000 × $0.01 + 90,000 × $0.005 + 50,000 × $0.001 = $600.00 for 150,000 records', () => {
		const invoice = price('crm_sync_per_record', { syncs: sum(150_000) });
		expect(invoice.total.amount).toBe('600.00');
		expect(invoice.lines[0].tiers!.map((tier) => [tier.units, tier.amount.amount])).toEqual([[10_000, '100.00'], [90_000, '450.00'], [50_000, '50.00']]);
		expect(price('crm_sync_per_record', { syncs: sum(10_001) }).total.amount).toBe('100.01');
		expect(price('crm_sync_per_record', {}).total.amount).toBe('0.00');
	});

	test('Basic $99 includes 10,000 syncs and 2 platforms; beyond: per-record tiers and $25 a platform', () => {
		expect(price('crm_basic', { syncs: sum(10_000), platforms: gauge(2) }).total.amount).toBe('99.00');
		// 2,000 syncs over × $0.01 = $20; 1 platform over × $25
		const over = price('crm_basic', { syncs: sum(12_000), platforms: gauge(3) });
		expect(lines(over)).toEqual([['recurring', '99.00'], ['syncs', '20.00'], ['platforms', '25.00']]);
		expect(over.total.amount).toBe('144.00');
	});

	test('Professional $299 includes 100,000 syncs and 5 platforms', () => {
		expect(price('crm_professional', { syncs: sum(100_000), platforms: gauge(5) }).total.amount).toBe('299.00');
		// 50,000 over: 10,000 × $0.01 + 40,000 × $0.005 = $300
		expect(price('crm_professional', { syncs: sum(150_000), platforms: gauge(5) }).total.amount).toBe('599.00');
	});

	test('Enterprise $999 is unlimited', () => {
		expect(price('crm_enterprise', { syncs: sum(5_000_000), platforms: gauge(40) }).total.amount).toBe('999.00');
	});
});

describe('Integration hub', () => {
	test('per integration: $100 setup in the first period, $50 a month, $25 per platform after the first', () => {
		expect(lines(price('integration_hub', { platforms: gauge(3) }, true))).toEqual([['recurring', '50.00'], ['setup', '100.00'], ['platforms', '50.00']]);
		expect(price('integration_hub', { platforms: gauge(3) }).total.amount).toBe('100.00');
		expect(price('integration_hub', { platforms: gauge(1) }).total.amount).toBe('50.00');
	});

	test('Starter $99 (2 platforms, 10,000 syncs, 50,000 api calls): api calls past the quota are reported, not billed', () => {
		const invoice = price('integration_starter', { platforms: gauge(2), syncs: sum(10_000), api_calls: sum(60_000) });
		expect(invoice.total.amount).toBe('99.00');
		expect(invoice.overPlan).toEqual([{ meter: 'api_calls', included: 50_000, used: 60_000, excess: 10_000 }]);
	});

	test('Professional $299 (5 platforms, 100,000 syncs, 500,000 api calls)', () => {
		expect(price('integration_professional', { platforms: gauge(5), syncs: sum(100_000), api_calls: sum(500_000) }).total.amount).toBe('299.00');
		expect(price('integration_professional', { platforms: gauge(6), syncs: sum(100_000) }).total.amount).toBe('324.00');
	});
});

describe('E-commerce', () => {
	test('Starter $149 (1 store, 1,000 orders, 500 products); a second store is over the plan', () => {
		expect(price('ecommerce_starter', { stores: gauge(1), orders: sum(1_000), products: sum(500) }).total.amount).toBe('149.00');
		expect(price('ecommerce_starter', { stores: gauge(2) }).overPlan).toEqual([{ meter: 'stores', included: 1, used: 2, excess: 1 }]);
	});

	test('Growth $399 (5 stores, 10,000 orders, 5,000 products) and Enterprise $999 unlimited', () => {
		const growth = price('ecommerce_growth', { stores: gauge(5), orders: sum(10_001), products: sum(5_000) });
		expect([growth.total.amount, growth.overPlan.map((over) => over.meter)]).toEqual(['399.00', ['orders']]);
		const enterprise = price('ecommerce_enterprise', { stores: gauge(50), orders: sum(1_000_000), products: sum(80_000) });
		expect([enterprise.total.amount, enterprise.overPlan]).toEqual(['999.00', []]);
	});
});

describe('per-unit services', () => {
	test('payments: $0.10 + 0.5% per transaction, rounded once per line', () => {
		// $0.10 + 0.005 × $123.45 = $0.10 + $0.61725 = $0.71725 → $0.72
		expect(price('payments', { transactions: sum(1, 12_345) }).total.amount).toBe('0.72');
		// 3 × $0.10 + 0.005 × ($123.45 + $10.00 + $0.01) = $0.30 + $0.6673 = $0.9673 → $0.97
		expect(price('payments', { transactions: sum(3, 13_346) }).total.amount).toBe('0.97');
	});

	test('events: $0.001 each with a $10.00 monthly minimum', () => {
		const below = price('events', { events: sum(5_000) });
		expect([below.total.amount, below.lines[0].minimumApplied]).toEqual(['10.00', true]);
		expect(price('events', {}).total.amount).toBe('10.00');
		// 12,345 × $0.001 = $12.345 → $12.35 (half away from zero)
		expect(price('events', { events: sum(12_345) }).total.amount).toBe('12.35');
	});

	test('marketing, support, accounting, social', () => {
		// 1,234 × $0.02 = $24.68; 17 × $0.10 = $1.70
		expect(lines(price('marketing', { contacts: sum(1_234), campaigns: sum(17) }))).toEqual([['contacts', '24.68'], ['campaigns', '1.70']]);
		expect(price('support', { tickets: sum(321) }).total.amount).toBe('32.10');
		expect(price('accounting', { transactions: sum(45, 999_999) }).total.amount).toBe('11.25');
		expect(price('social', { posts: sum(7) }).total.amount).toBe('0.35');
	});
});

test('the Usage Meter\'s example plan JSON is the CRM Basic preset, and its dropdown lists every preset', () => {
	const planJson = planProperties.find((property) => property.name === 'planJson')!.default as string;
	expect(validatePlan(JSON.parse(planJson))).toEqual(presetPlan('crm_basic'));
	const dropdown = planProperties.find((property) => property.name === 'planPreset')!;
	expect(dropdown.options!.map((option) => (option as { value: string }).value)).toEqual(PLAN_PRESETS.map((preset) => preset.id));
});
