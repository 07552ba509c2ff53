/**
 * The store's one circuit breaker, on both backends: closed → open on the policy's failures, refusing while open,
 * exactly one probe when half-open however many callers race for it, the probe's outcome closing or reopening it,
 * a probe whose caller died claimable again after its timeout, and a failure share counted in a window.
 */
import { allMigrations } from '../../lib/migrations';
import { assertCircuitPolicy, CircuitBreakers, closeAllStores, openStore, type CircuitPolicy, type StateStore } from '../../lib/store';
import { storeBackends } from './backends';

/** Routing's kind: three failures in a row. */
const inARow: CircuitPolicy = { minSamples: 3, failureRate: 1, cooldownMs: 30_000, probeTimeoutMs: 10_000 };
/** Payments' kind: half of at least four outcomes in a minute. */
const share: CircuitPolicy = { minSamples: 4, failureRate: 0.5, windowMs: 60_000, cooldownMs: 30_000 };

describe.each(storeBackends())('circuit breakers on $name', (backend) => {
	let store: StateStore;
	let clock: number;
	let circuits: CircuitBreakers;

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		store = await openStore(await backend.freshConfig(), allMigrations);
		clock = Date.parse('2026-01-01T00:00:00Z');
		circuits = new CircuitBreakers(store.db, () => clock);
	});
	afterEach(async () => await closeAllStores());

	const fail = async (key: string, policy: CircuitPolicy, times: number) => {
		for (let index = 0; index < times; index++) await circuits.recordFailure(key, policy);
	};

	test('a circuit never used is closed and admits', async () => {
		expect(await circuits.state('d')).toEqual({ state: 'closed', failures: 0, samples: 0, openUntilMs: 0, probing: false });
		expect(await circuits.admit('d', inARow)).toEqual({ admitted: true, probe: false });
	});

	test('opens on failures in a row; a success between them clears the count', async () => {
		await fail('d', inARow, 2);
		await circuits.recordSuccess('d', inARow);
		await fail('d', inARow, 2);
		expect(await circuits.state('d')).toMatchObject({ state: 'closed', failures: 2 });
		expect((await circuits.recordFailure('d', inARow)).state).toBe('open');
		expect(await circuits.admit('d', inARow)).toEqual({ admitted: false, retryInMs: 30_000 });
		clock += 29_999;
		expect(await circuits.admit('d', inARow)).toEqual({ admitted: false, retryInMs: 1 });
	});

	test('half-open: of many concurrent callers exactly one probes; the rest are refused while it is out', async () => {
		await fail('d', inARow, 3);
		clock += 30_000;
		expect((await circuits.state('d')).state).toBe('half_open');
		const admissions = await Promise.all(Array.from({ length: 12 }, () => circuits.admit('d', inARow)));
		expect(admissions.filter((admission) => admission.admitted)).toEqual([{ admitted: true, probe: true }]);
		expect(admissions.filter((admission) => !admission.admitted)).toHaveLength(11);
		expect(await circuits.state('d')).toMatchObject({ state: 'half_open', probing: true });
	});

	test("the probe's success closes the circuit and forgets the failures", async () => {
		await fail('d', inARow, 3);
		clock += 30_000;
		await circuits.admit('d', inARow);
		expect(await circuits.recordSuccess('d', inARow)).toEqual({ state: 'closed', failures: 0, samples: 0, openUntilMs: 0, probing: false });
		expect(await circuits.admit('d', inARow)).toEqual({ admitted: true, probe: false });
		// Two failures do not reopen it: the count started again.
		await fail('d', inARow, 2);
		expect((await circuits.state('d')).state).toBe('closed');
	});

	test("the probe's failure reopens the circuit for a new cool-down, then one new probe is let through", async () => {
		await fail('d', inARow, 3);
		clock += 30_000;
		await circuits.admit('d', inARow);
		expect(await circuits.recordFailure('d', inARow)).toMatchObject({ state: 'open', openUntilMs: clock + 30_000, probing: false });
		expect((await circuits.admit('d', inARow)).admitted).toBe(false);
		clock += 30_000;
		expect(await circuits.admit('d', inARow)).toEqual({ admitted: true, probe: true });
	});

	test('a probe whose caller never reports (it died) can be claimed again after the probe timeout, by one caller', async () => {
		await fail('d', inARow, 3);
		clock += 30_000;
		expect(await circuits.admit('d', inARow)).toEqual({ admitted: true, probe: true });
		clock += 9_999;
		expect(await circuits.admit('d', inARow)).toEqual({ admitted: false, retryInMs: 1 });
		clock += 1;
		const again = await Promise.all(Array.from({ length: 5 }, () => circuits.admit('d', inARow)));
		expect(again.filter((admission) => admission.admitted)).toEqual([{ admitted: true, probe: true }]);
	});

	test('a failure share: opens once enough outcomes are counted and half of them failed', async () => {
		await circuits.recordFailure('p', share);
		await circuits.recordFailure('p', share);
		await circuits.recordSuccess('p', share);
		expect(await circuits.state('p')).toMatchObject({ state: 'closed', failures: 2, samples: 3 });
		expect((await circuits.recordSuccess('p', share)).state).toBe('closed');
		// 3 failures of 5 outcomes.
		expect((await circuits.recordFailure('p', share)).state).toBe('open');
	});

	test('a failure share: outcomes older than the window are forgotten', async () => {
		await fail('p', share, 3);
		clock += 60_000;
		expect((await circuits.recordFailure('p', share))).toMatchObject({ state: 'closed', failures: 1, samples: 1 });
	});

	test('keys are independent', async () => {
		await fail('a', inARow, 3);
		expect((await circuits.state('a')).state).toBe('open');
		expect(await circuits.admit('b', inARow)).toEqual({ admitted: true, probe: false });
	});

	test('concurrent failures are each counted: none lost to a race on the row', async () => {
		const lenient: CircuitPolicy = { ...share, minSamples: 1000 };
		await Promise.all(Array.from({ length: 40 }, () => circuits.recordFailure('p', lenient)));
		expect(await circuits.state('p')).toMatchObject({ failures: 40, samples: 40 });
	});

	test('reset closes and forgets', async () => {
		await fail('d', inARow, 3);
		await circuits.reset('d');
		expect((await circuits.state('d')).state).toBe('closed');
	});
});

describe('circuit policy', () => {
	test.each([
		[{ minSamples: 0 }, 'minSamples'],
		[{ minSamples: 1.5 }, 'minSamples'],
		[{ failureRate: -0.1 }, 'failureRate'],
		[{ failureRate: Number.NaN }, 'failureRate'],
		[{ failureRate: 1.2 }, 'failureRate'],
		[{ windowMs: 0 }, 'windowMs'],
		[{ windowMs: null as unknown as number }, 'windowMs'],
		[{ cooldownMs: -1 }, 'cooldownMs'],
		[{ cooldownMs: Infinity }, 'cooldownMs'],
		[{ probeTimeoutMs: 0 }, 'probeTimeoutMs'],
	])('%p is refused naming %s', (override, field) => {
		expect(() => assertCircuitPolicy({ ...inARow, ...override })).toThrow(field);
	});

	test('the two policies in use are accepted', () => {
		expect(() => assertCircuitPolicy(inARow)).not.toThrow();
		expect(() => assertCircuitPolicy(share)).not.toThrow();
	});
});
