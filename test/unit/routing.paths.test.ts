/** Event Router filters and transforms read and write paths by the one dotted-path rule of lib/records/paths.ts. */
import { compileRoutes, compileTransform, type RoutingEvent } from '../../lib/routing';

const event = (data: Record<string, unknown>): RoutingEvent => ({ id: 'e1', type: 'order.created', source: 'shop', data });

describe('paths in Event Router rules', () => {
	it('a filter reaches into a list by position', () => {
		const compiled = compileRoutes({
			destinations: [{ id: 'd', kind: 'webhook', url: 'http://x/' }],
			rules: [
				{ id: 'first-sku', eventTypes: ['*'], filters: [{ path: 'data.lines.0.sku', equals: 'A-1' }], destinations: ['d'] },
				{ id: 'second-line', eventTypes: ['*'], filters: [{ path: 'data.lines.1', exists: true }], destinations: ['d'] },
			],
		});
		const ids = (data: Record<string, unknown>) => compiled.match(event(data)).map((rule) => rule.id);
		expect(ids({ lines: [{ sku: 'A-1' }] })).toEqual(['first-sku']);
		expect(ids({ lines: [{ sku: 'B-2' }, { sku: 'A-1' }] })).toEqual(['second-line']);
		expect(ids({ lines: 'A-1' })).toEqual([]);
	});

	it('a set makes an object of a missing or null field on the way, and refuses to write through a value', () => {
		expect(compileTransform([{ set: { 'meta.tier': 'gold' } }])({ meta: null })).toEqual({ meta: { tier: 'gold' } });
		expect(() => compileTransform([{ set: { 'lines.0.sku': 'x' } }])({ lines: [{ sku: 'A-1' }] })).toThrow('"lines" is not an object');
	});
});
