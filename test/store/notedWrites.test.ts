/**
 * The one loop for writes whose answer can be lost (Accounting Sync's entries, Social Publisher's posts), on both
 * backends: each attempt is noted in the outbox before it is sent; a write whose answer was lost is looked up before it
 * is sent again; an attempt left in doubt by a dead run is looked up first; a refusal is noted and never retried.
 */
import { allMigrations } from '../../lib/migrations';
import { Outbox, closeAllStores, openStore, type StateStore } from '../../lib/store';
import { PlatformApiError } from '../../lib/transport';
import { AttemptLog, writeNoted, type NotedWrite } from '../../lib/transport/notedWrites';
import { storeBackends } from './backends';

type Name = { id: string };

/** A platform that keeps what lands, and can lose its answer or refuse. */
class Platform {
	readonly landed: string[] = [];
	sent = 0;
	/** What the next sends do, in order; afterwards they land and answer. */
	script: Array<'lose-answer' | 'fail-before-landing' | 'refuse'> = [];

	async write(id: string): Promise<string> {
		this.sent++;
		const step = this.script.shift();
		if (step === 'refuse') throw new PlatformApiError({ platform: 'test', message: 'Invalid field', status: 400, retryable: false, attempts: 1 });
		if (step === 'fail-before-landing') throw new PlatformApiError({ platform: 'test', message: 'Service Unavailable', status: 503, retryable: true, attempts: 1 });
		this.landed.push(id);
		if (step === 'lose-answer') throw new PlatformApiError({ platform: 'test', message: 'socket hang up', code: 'ECONNRESET', retryable: true, attempts: 1 });
		return `ext-${id}`;
	}

	async find(id: string): Promise<string | undefined> {
		return this.landed.includes(id) ? `ext-${id}` : undefined;
	}
}

describe.each(storeBackends())('noted writes on $name', (backend) => {
	let store: StateStore;
	let log: AttemptLog<Name>;
	let platform: Platform;
	let recorded: string[];

	beforeAll(async () => await backend.setUp());
	afterAll(async () => await backend.tearDown());
	beforeEach(async () => {
		store = await openStore(await backend.freshConfig(), allMigrations);
		log = new AttemptLog(new Outbox(store.db).topic<Name>('test.writes'));
		platform = new Platform();
		recorded = [];
	});
	afterEach(async () => await closeAllStores());

	const write = (id: string, overrides: Partial<NotedWrite<Name, string>> = {}): Promise<string> =>
		writeNoted<Name, string>({
			log,
			key: id,
			payload: { id },
			write: () => platform.write(id),
			lookUp: () => platform.find(id),
			record: async (result) => {
				recorded.push(result);
			},
			maxAttempts: 3,
			...overrides,
		});

	test('a write that answers is recorded once, its one attempt closed as landed', async () => {
		expect(await write('a')).toBe('ext-a');
		expect(recorded).toEqual(['ext-a']);
		expect(await log.get('a')).toMatchObject({ state: 'landed', attempts: 1, lastError: undefined });
	});

	test('a write whose answer was lost is found by the look-up and not sent again', async () => {
		platform.script = ['lose-answer'];
		expect(await write('b')).toBe('ext-b');
		expect([platform.sent, platform.landed, recorded]).toEqual([1, ['b'], ['ext-b']]);
		expect(await log.get('b')).toMatchObject({ state: 'landed', attempts: 1, lastError: undefined });
	});

	test('a write that did not land is sent again, up to the attempts allowed, each one counted with its error', async () => {
		platform.script = ['fail-before-landing', 'fail-before-landing', 'fail-before-landing'];
		await expect(write('c')).rejects.toThrow('Service Unavailable');
		expect([platform.sent, platform.landed, recorded]).toEqual([3, [], []]);
		expect(await log.get('c')).toMatchObject({ state: 'attempting', attempts: 3, lastError: 'Service Unavailable' });
		// The next run finds the attempt in doubt, looks it up (not there), and writes it once.
		expect(await write('c')).toBe('ext-c');
		expect([platform.sent, platform.landed]).toEqual([4, ['c']]);
		expect(await log.get('c')).toMatchObject({ state: 'landed', attempts: 4 });
	});

	test('an attempt left in doubt by a dead run that landed is found first: nothing is sent', async () => {
		await log.attempting('d', { id: 'd' });
		platform.landed.push('d');
		expect(await write('d')).toBe('ext-d');
		expect([platform.sent, recorded]).toEqual([0, ['ext-d']]);
		expect(await log.get('d')).toMatchObject({ state: 'landed', attempts: 1 });
	});

	test('a refusal is noted and thrown at once, never retried nor looked up; a corrected write later lands', async () => {
		platform.script = ['refuse'];
		let lookUps = 0;
		await expect(write('e', { lookUp: async () => (lookUps++, undefined) })).rejects.toThrow('Invalid field');
		expect([platform.sent, lookUps]).toEqual([1, 0]);
		expect(await log.get('e')).toMatchObject({ state: 'refused', attempts: 1, lastError: 'Invalid field' });
		expect(await write('e')).toBe('ext-e');
		expect(await log.get('e')).toMatchObject({ state: 'landed', attempts: 2, lastError: undefined });
	});

	test('what may have landed is the caller\'s to widen (a platform saying the text is a duplicate)', async () => {
		const duplicate = new PlatformApiError({ platform: 'test', message: 'duplicate content', status: 403, code: 'duplicate_content', retryable: false, attempts: 1 });
		const mayHaveLanded = (error: unknown) => error === duplicate;
		platform.landed.push('f');
		expect(await write('f', { write: async () => Promise.reject(duplicate), mayHaveLanded })).toBe('ext-f');
		expect(await log.get('f')).toMatchObject({ state: 'landed', attempts: 1 });
	});
});
