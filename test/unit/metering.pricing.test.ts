/** The pricing engine: every plan model of the seed priced to the exact minor unit, plan validation, and properties. */
import {
	add,
	graduatedAmount,
	money,
	parseDecimal,
	PlanValidationError,
	priceUsage,
	roundToMinor,
	times,
	validatePlan,
	volumeAmount,
	ZERO,
	type Decimal,
	type MeterUsage,
	type PlanInput,
	type Tier,
} from '../../lib/metering';

const usage = (quantity: number, extra: Partial<MeterUsage> = {}): MeterUsage => ({ quantity, maxQuantity: quantity, amountMinor: 0, events: quantity, ...extra });
const seedSyncTiers = [
	{ from: 0, upTo: 10_000, unitPrice: '0.01' },
	{ from: 10_001, upTo: 100_000, unitPrice: '0.005' },
	{ from: 100_001, upTo: null, unitPrice: '0.001' },
];
const plan = (charges: PlanInput['charges'], extra: Partial<PlanInput> = {}) => validatePlan({ id: 'p', currency: 'USD', charges, ...extra });
const lineAmount = (invoice: ReturnType<typeof priceUsage>, meter: string) => invoice.lines.find((line) => line.meter === meter)?.amount.amount;

describe('money', () => {
	test('rounds half away from zero to the currency minor unit, once', () => {
		expect(roundToMinor(parseDecimal('0.005')!, 'USD')).toBe(1n);
		expect(roundToMinor(parseDecimal('0.0049999')!, 'USD')).toBe(0n);
		expect(roundToMinor(parseDecimal('1.015')!, 'USD')).toBe(102n);
		expect(roundToMinor(parseDecimal('-1.015')!, 'USD')).toBe(-102n);
		expect(roundToMinor(parseDecimal('12.5')!, 'JPY')).toBe(13n);
		expect(roundToMinor(parseDecimal('1.0005')!, 'KWD')).toBe(1001n);
	});

	test('formats minor units with the currency on every amount', () => {
		expect(money(12345, 'USD')).toEqual({ currency: 'USD', minor: 12345, amount: '123.45' });
		expect(money(5, 'USD').amount).toBe('0.05');
		expect(money(-5, 'EUR').amount).toBe('-0.05');
		expect(money(1500, 'JPY').amount).toBe('1500');
	});

	test('decimal arithmetic is exact where floating point is not', () => {
		const tenth = parseDecimal(0.1)!;
		const sum = Array.from({ length: 10 }).reduce<Decimal>((total) => add(total, tenth), ZERO);
		expect(roundToMinor(sum, 'USD')).toBe(100n);
		expect(0.1 * 3).not.toBe(0.3);
		expect(roundToMinor(times(tenth, 3), 'USD')).toBe(30n);
	});
});

describe('plan models (the seed examples)', () => {
	test('graduated per-sync tiers price each unit in its tier', () => {
		const graduated = plan([{ meter: 'syncs', model: 'graduated', tiers: seedSyncTiers }]);
		expect(lineAmount(priceUsage(graduated, { syncs: usage(10_000) }), 'syncs')).toBe('100.00');
		expect(lineAmount(priceUsage(graduated, { syncs: usage(10_001) }), 'syncs')).toBe('100.01');
		// 10,000 × 0.01 + 90,000 × 0.005 + 50,000 × 0.001
		const invoice = priceUsage(graduated, { syncs: usage(150_000) });
		expect(invoice.total).toEqual({ currency: 'USD', minor: 60_000, amount: '600.00' });
		expect(invoice.lines[0].tiers?.map((tier) => [tier.units, tier.amount.amount])).toEqual([[10_000, '100.00'], [90_000, '450.00'], [50_000, '50.00']]);
	});

	test('volume tiers price all units at the tier reached', () => {
		const volume = plan([{ meter: 'syncs', model: 'volume', tiers: seedSyncTiers }]);
		expect(lineAmount(priceUsage(volume, { syncs: usage(10_000) }), 'syncs')).toBe('100.00');
		expect(lineAmount(priceUsage(volume, { syncs: usage(50_000) }), 'syncs')).toBe('250.00');
		expect(lineAmount(priceUsage(volume, { syncs: usage(150_000) }), 'syncs')).toBe('150.00');
		expect(lineAmount(priceUsage(volume, { syncs: usage(0) }), 'syncs')).toBe('0.00');
	});

	test('per transaction: a fixed rate plus a percentage of the amount, rounded once', () => {
		const perTransaction = plan([{ meter: 'transactions', model: 'per_transaction', fixed: '0.10', percent: '0.5' }]);
		// 3 × 0.10 + 0.5% × 150.99 = 0.30 + 0.75495 = 1.05495 → 1.05
		expect(lineAmount(priceUsage(perTransaction, { transactions: usage(3, { amountMinor: 15_099 }) }), 'transactions')).toBe('1.05');
		// 0.10 + 0.5% × 1.00 = 0.105 → 0.11 (half away from zero)
		expect(lineAmount(priceUsage(perTransaction, { transactions: usage(1, { amountMinor: 100 }) }), 'transactions')).toBe('0.11');
	});

	test('per event with a minimum charge per period', () => {
		const perEvent = plan([{ meter: 'events', model: 'per_unit', unitPrice: '0.001', minimum: '10.00' }]);
		const low = priceUsage(perEvent, { events: usage(5_000) });
		expect(low.lines[0]).toMatchObject({ minimumApplied: true, amount: { amount: '10.00' } });
		expect(lineAmount(priceUsage(perEvent, {}), 'events')).toBe('10.00');
		expect(lineAmount(priceUsage(perEvent, { events: usage(20_000) }), 'events')).toBe('20.00');
		expect(priceUsage(perEvent, { events: usage(20_000) }).lines[0].minimumApplied).toBeUndefined();
	});

	test('per contact, campaign execution, ticket and post', () => {
		const perUnit = plan([
			{ meter: 'contacts', model: 'per_unit', unitPrice: '0.05' },
			{ meter: 'campaigns', model: 'per_unit', unitPrice: '0.25' },
			{ meter: 'tickets', model: 'per_unit', unitPrice: '0.50' },
			{ meter: 'posts', model: 'per_unit', unitPrice: '0.02' },
		]);
		const invoice = priceUsage(perUnit, { contacts: usage(1_234), campaigns: usage(7), tickets: usage(3), posts: usage(101) });
		expect(invoice.lines.map((line) => line.amount.amount)).toEqual(['61.70', '1.75', '1.50', '2.02']);
		expect(invoice.total.amount).toBe('66.97');
	});

	describe('subscription tiers with included quotas', () => {
		const subscription = (name: string, fee: string, syncs: number | 'unlimited', platforms: number | 'unlimited') =>
			plan(
				[
					{ meter: 'syncs', model: 'per_unit', included: syncs, unitPrice: '0.002' },
					{ meter: 'platforms', model: 'per_unit', included: platforms, onExceed: 'report' },
				],
				{ id: name.toLowerCase(), name, recurringFee: fee },
			);
		const basic = subscription('Basic', '49.00', 10_000, 2);
		const professional = subscription('Professional', '199.00', 100_000, 5);
		const enterprise = subscription('Enterprise', '999.00', 'unlimited', 'unlimited');

		test('within the quota only the subscription fee is charged', () => {
			const invoice = priceUsage(basic, { syncs: usage(10_000), platforms: usage(2) });
			expect(invoice.total.amount).toBe('49.00');
			expect(invoice.overPlan).toEqual([]);
		});

		test('syncs above the quota bill overage; platforms above it are reported as over the plan', () => {
			const invoice = priceUsage(basic, { syncs: usage(12_500), platforms: { quantity: 7, maxQuantity: 3, amountMinor: 0, events: 3 } });
			expect(lineAmount(invoice, 'syncs')).toBe('5.00');
			expect(lineAmount(invoice, 'platforms')).toBe('0.00');
			expect(invoice.overPlan).toEqual([{ meter: 'platforms', included: 2, used: 3, excess: 1 }]);
			expect(invoice.total.amount).toBe('54.00');
		});

		test('the same usage is within Professional and unlimited on Enterprise', () => {
			expect(priceUsage(professional, { syncs: usage(100_000), platforms: usage(5) }).total.amount).toBe('199.00');
			const invoice = priceUsage(enterprise, { syncs: usage(5_000_000), platforms: usage(40) });
			expect(invoice.total.amount).toBe('999.00');
			expect(invoice.lines.find((line) => line.meter === 'syncs')?.included).toBe('unlimited');
		});

		test('e-commerce plans meter stores, orders and products', () => {
			const growth = plan(
				[
					{ meter: 'stores', model: 'per_unit', included: 3, unitPrice: '20.00' },
					{ meter: 'orders', model: 'graduated', included: 1_000, tiers: [{ upTo: 9_000, unitPrice: '0.05' }, { upTo: null, unitPrice: '0.02' }] },
					{ meter: 'products', model: 'per_unit', included: 5_000, onExceed: 'report' },
				],
				{ id: 'growth', recurringFee: '79.00' },
			);
			const invoice = priceUsage(growth, { stores: { quantity: 9, maxQuantity: 4, amountMinor: 0, events: 3 }, orders: usage(12_000), products: usage(5_200) });
			// 1 extra store 20.00; 11,000 billable orders: 9,000 × 0.05 + 2,000 × 0.02 = 490.00
			expect(invoice.lines.map((line) => line.amount.amount)).toEqual(['79.00', '20.00', '490.00', '0.00']);
			expect(invoice.overPlan).toEqual([{ meter: 'products', included: 5_000, used: 5_200, excess: 200 }]);
		});
	});

	test('per integration: setup fee in the first period, monthly fee, a fee per additional platform', () => {
		const integration = plan([{ meter: 'platforms', model: 'per_unit', included: 1, unitPrice: '25.00' }], { setupFee: '500.00', recurringFee: '99.00' });
		const platforms = { quantity: 9, maxQuantity: 3, amountMinor: 0, events: 3 };
		const first = priceUsage(integration, { platforms }, { firstPeriod: true });
		expect(first.lines.map((line) => [line.kind, line.amount.amount])).toEqual([['recurring', '99.00'], ['setup', '500.00'], ['usage', '50.00']]);
		expect(priceUsage(integration, { platforms }).total.amount).toBe('149.00');
	});

	test('meters the plan does not price cost nothing', () => {
		expect(priceUsage(plan([{ meter: 'syncs', model: 'per_unit', unitPrice: '1' }]), { api_calls: usage(1_000) }).total.amount).toBe('0.00');
	});
});

describe('plan validation names the problem', () => {
	const problemsOf = (input: unknown): string[] => {
		try {
			validatePlan(input);
		} catch (error) {
			expect(error).toBeInstanceOf(PlanValidationError);
			return (error as PlanValidationError).problems;
		}
		throw new Error('plan was accepted');
	};

	test('overlapping tiers', () => {
		const tiers = [{ from: 0, upTo: 10_000, unitPrice: '0.01' }, { from: 9_000, upTo: null, unitPrice: '0.005' }];
		expect(problemsOf({ id: 'x', currency: 'USD', charges: [{ meter: 'syncs', model: 'graduated', tiers }] })).toEqual([
			'charge 1 (syncs) tier 2 starts at 9000 but the tier before already covers up to 10000 (overlap)',
		]);
	});

	test('gapped tiers', () => {
		const tiers = [{ upTo: 10_000, unitPrice: '0.01' }, { from: 10_050, upTo: null, unitPrice: '0.005' }];
		expect(problemsOf({ id: 'x', currency: 'USD', charges: [{ meter: 'syncs', model: 'volume', tiers }] })).toEqual([
			'charge 1 (syncs) tier 2 starts at 10050 but the tier before ends at 10000: units 10001–10049 are in no tier (gap)',
		]);
	});

	test('tiers out of order, a bounded last tier, an unbounded middle tier', () => {
		expect(problemsOf({ id: 'x', currency: 'USD', charges: [{ meter: 'syncs', model: 'graduated', tiers: [{ upTo: 100, unitPrice: 1 }, { upTo: 50, unitPrice: 1 }, { unitPrice: 1 }] }] })).toEqual([
			'charge 1 (syncs) tier 2: upTo must be a whole number of at least 101, got 50',
		]);
		expect(problemsOf({ id: 'x', currency: 'USD', charges: [{ meter: 'syncs', model: 'graduated', tiers: [{ upTo: 100, unitPrice: 1 }] }] })).toEqual([
			'charge 1 (syncs) tier 1 ends at 100: the last tier must be unbounded (upTo null) so every unit has a price',
		]);
		expect(problemsOf({ id: 'x', currency: 'USD', charges: [{ meter: 'syncs', model: 'graduated', tiers: [{ unitPrice: 1 }, { unitPrice: 1 }] }] })).toContain(
			'charge 1 (syncs) tier 1 has no upper bound but is not the last tier',
		);
	});

	test('negative prices, unknown meters and models, bad currency, all at once', () => {
		const problems = problemsOf({
			id: 'x',
			currency: 'usd',
			recurringFee: '-5',
			charges: [
				{ meter: 'syncs', model: 'per_unit', unitPrice: '-0.01' },
				{ meter: 'widgets', model: 'per_unit', unitPrice: '1' },
				{ meter: 'events', model: 'per_hour', unitPrice: '1' },
				{ meter: 'syncs', model: 'per_unit', unitPrice: 'cheap' },
			],
		});
		expect(problems).toEqual([
			'currency must be an ISO 4217 code such as "USD", got "usd"',
			'charge 1 (syncs) unitPrice must not be negative, got "-0.01"',
			expect.stringContaining('charge 2 (widgets): unknown meter "widgets"; use one of syncs, transactions'),
			'charge 3 (events): unknown model "per_hour"; use one of per_unit, graduated, volume, per_transaction',
			'charge 4 (syncs) unitPrice must be a decimal number, got "cheap"',
			'meter "syncs" has more than one charge',
			'recurringFee must not be negative, got "-5"',
		]);
	});

	test('a custom meter is accepted once declared; a per-unit charge needs its price', () => {
		expect(validatePlan({ id: 'x', currency: 'EUR', customMeters: ['widgets'], charges: [{ meter: 'widgets', model: 'per_unit', unitPrice: '1' }] }).charges[0].meter).toBe('widgets');
		expect(problemsOf({ id: 'x', currency: 'EUR', charges: [{ meter: 'syncs', model: 'per_unit' }] })).toEqual(['charge 1 (syncs) unitPrice is missing']);
		expect(problemsOf({ id: 'x', currency: 'EUR', charges: [{ meter: 'transactions', model: 'per_transaction', percent: '150' }] })).toEqual([
			'charge 1 (transactions): percent must be at most 100, got "150"',
		]);
	});

	test('the error message carries the plan id and every problem', () => {
		expect(() => validatePlan({ id: 'gold', currency: 'USD', charges: [{ meter: 'syncs', model: 'per_unit', unitPrice: '-1' }] })).toThrow(
			'Plan "gold" is invalid: charge 1 (syncs) unitPrice must not be negative, got "-1"',
		);
	});
});

/** A small seeded generator: the properties run on the same cases every time, and on many of them. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function randomTiers(next: () => number, descending = false): Tier[] {
	const count = 1 + Math.floor(next() * 4);
	const tiers: Tier[] = [];
	let from = 1;
	let price = 1 + Math.floor(next() * 5000);
	for (let index = 0; index < count; index++) {
		const last = index === count - 1;
		const upTo = last ? null : from + Math.floor(next() * 300);
		price = descending ? Math.max(1, price - Math.floor(next() * 1000)) : 1 + Math.floor(next() * 5000);
		tiers.push({ from, upTo, unitPrice: { units: BigInt(price), scale: 4 }, flatPrice: { units: BigInt(Math.floor(next() * 3) * 100), scale: 2 } });
		if (upTo !== null) from = upTo + 1;
	}
	return tiers;
}

const tierOf = (tiers: Tier[], unit: number) => tiers.find((tier) => unit >= tier.from && (tier.upTo === null || unit <= tier.upTo))!;

describe('pricing properties', () => {
	const next = random(20261127);

	test('graduated equals the sum of its tiers, priced unit by unit', () => {
		for (let run = 0; run < 300; run++) {
			const tiers = randomTiers(next);
			const units = Math.floor(next() * 1500);
			let expected = ZERO;
			for (let unit = 1; unit <= units; unit++) {
				const tier = tierOf(tiers, unit);
				expected = add(expected, tier.unitPrice);
				if (unit === tier.from) expected = add(expected, tier.flatPrice);
			}
			expect(roundToMinor(graduatedAmount(tiers, units).amount, 'USD')).toBe(roundToMinor(expected, 'USD'));
		}
	});

	test('volume prices all units at the reached tier and never falls as units grow within a tier or with non-increasing prices', () => {
		for (let run = 0; run < 200; run++) {
			const tiers = randomTiers(next, true);
			let previous: { total: bigint; tier: Tier } | undefined;
			for (let units = 1; units <= 1200; units += 1 + Math.floor(next() * 20)) {
				const priced = volumeAmount(tiers, units);
				const tier = tierOf(tiers, units);
				expect(priced.tier).toBe(tier);
				expect(roundToMinor(priced.amount, 'USD')).toBe(roundToMinor(add(times(tier.unitPrice, units), tier.flatPrice), 'USD'));
				// The rate applied never rises as usage grows (tier prices here do not rise).
				if (previous) expect(tier.unitPrice.units <= previous.tier.unitPrice.units).toBe(true);
				// Within one tier, more units never cost less.
				const total = roundToMinor(priced.amount, 'USD');
				if (previous?.tier === tier) expect(total >= previous.total).toBe(true);
				previous = { total, tier };
			}
		}
	});

	test('graduated totals never fall as units grow', () => {
		for (let run = 0; run < 100; run++) {
			const tiers = randomTiers(next);
			let previous = -1n;
			for (let units = 0; units <= 1500; units += 1 + Math.floor(next() * 30)) {
				const total = roundToMinor(graduatedAmount(tiers, units).amount, 'USD');
				expect(total >= previous).toBe(true);
				previous = total;
			}
		}
	});

	// Its speed (under 10 ms) is measured by test/bench/metering.bench.ts, not asserted here: timings vary with machine load.
	test('a million units across every model are priced exactly', () => {
		const everything = plan(
			[
				{ meter: 'syncs', model: 'graduated', tiers: seedSyncTiers },
				{ meter: 'api_calls', model: 'volume', tiers: seedSyncTiers },
				{ meter: 'transactions', model: 'per_transaction', fixed: '0.10', percent: '0.5' },
				{ meter: 'events', model: 'per_unit', unitPrice: '0.001', minimum: '10.00' },
				{ meter: 'platforms', model: 'per_unit', included: 2, onExceed: 'report' },
			],
			{ recurringFee: '49.00', setupFee: '500.00' },
		);
		const million = usage(1_000_000, { amountMinor: 12_345_678_901 });
		const invoice = priceUsage(everything, { syncs: million, api_calls: million, transactions: million, events: million, platforms: usage(3) }, { firstPeriod: true });
		// fees 49 + 500; graduated 100 + 450 + 900; volume 1,000,000 × 0.001; 100,000 + 0.5% × 123,456,789.01; 1,000,000 × 0.001
		expect(invoice.lines.map((line) => line.amount.amount)).toEqual(['49.00', '500.00', '1450.00', '1000.00', '717283.95', '1000.00', '0.00']);
	});
});
