/**
 * A product's images as a store's connector is given them (productWrite): checked by type before any call, each bad
 * value named by its field, and put in their positions' order.
 */
import { productWrite } from '../../lib/platforms/products';

const write = (images: unknown) => ({ externalId: '7', fields: { sku: 'TEE-1', title: 'Tee', status: 'active', price: '10', images } });

test('images are put in their positions\' order and numbered 1, 2, 3; alt text defaults to none', () => {
	const product = productWrite(write([
		{ src: 'https://a.example/back.png', alt: 'Back', position: 2 },
		{ src: 'https://a.example/front.png', position: 1 },
		{ src: 'https://a.example/side.png', alt: 'Side' },
	]));
	expect(product.images).toEqual([
		{ src: 'https://a.example/front.png', alt: '', position: 1 },
		{ src: 'https://a.example/back.png', alt: 'Back', position: 2 },
		{ src: 'https://a.example/side.png', alt: 'Side', position: 3 },
	]);
});

test('a product without images leaves them alone; an empty list removes them', () => {
	expect(productWrite(write(undefined)).images).toBeUndefined();
	expect(productWrite(write([])).images).toEqual([]);
});

test.each([
	['no list', 'https://a.example/x.png', /^images must be a list/],
	['a URL that is no web URL', [{ src: 'ftp://a.example/x.png' }], /^images\[0\]\.src must be an http or https URL, got "ftp:/],
	['a missing URL', [{ src: 'https://a.example/x.png' }, { alt: 'x' }], /^images\[1\]\.src must be an http or https URL, got undefined/],
	['the same image twice', [{ src: 'https://a.example/x.png' }, { src: 'https://a.example/x.png' }], /^images\[1\]\.src lists an image the product has already/],
	['alt text that is no text', [{ src: 'https://a.example/x.png', alt: 3 }], /^images\[0\]\.alt must be text, got 3/],
	['a position that is no whole number', [{ src: 'https://a.example/x.png', position: '1' }], /^images\[0\]\.position must be a whole number of at least 1, got "1"/],
	['a position below 1', [{ src: 'https://a.example/x.png', position: 0 }], /^images\[0\]\.position must be a whole number of at least 1, got 0/],
])('%s is refused naming the field', (_case, images, message) => {
	expect(() => productWrite(write(images))).toThrow(message);
});
