import { createCipheriv } from 'node:crypto';
import { KeyUnwrapError, unwrapRfc3394, unwrapTripleDes } from '../../../src/domain/import/pskc/key-wrap';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('unwrapRfc3394', () => {
  it('unwraps the RFC 3394 §4.1 vector (128-bit data, 128-bit KEK)', () => {
    const unwrapped = unwrapRfc3394('aes-128-ecb', hex('000102030405060708090A0B0C0D0E0F'), hex('1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5'));
    expect(unwrapped).toEqual(hex('00112233445566778899AABBCCDDEEFF'));
  });

  it('agrees with node:crypto id-aes256-wrap', () => {
    const kek = Buffer.alloc(32, 7);
    const key = Buffer.from('0123456789abcdef0123456789abcdef01234567', 'latin1');
    const wrapped = (() => {
      const cipher = createCipheriv('id-aes256-wrap', kek, hex('A6A6A6A6A6A6A6A6'));
      return Buffer.concat([cipher.update(key), cipher.final()]);
    })();
    expect(unwrapRfc3394('aes-256-ecb', kek, wrapped)).toEqual(key);
  });

  it('removes RFC 5649 padding (§6 vectors: 20-byte and 7-byte keys)', () => {
    const kek = hex('5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8');
    expect(unwrapRfc3394('aes-192-ecb', kek, hex('138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a')))
      .toEqual(hex('c37b7e6492584340 bed1220780894115 5068f738'));
    expect(unwrapRfc3394('aes-192-ecb', kek, hex('afbeb0f07dfbf541 9200f2ccb50bb24f'))).toEqual(hex('466f7250617369'));
  });

  it('detects a wrong key through the integrity value', () => {
    expect(() => unwrapRfc3394('aes-128-ecb', Buffer.alloc(16), hex('1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5')))
      .toThrow(KeyUnwrapError);
  });
});

describe('unwrapTripleDes (RFC 3217)', () => {
  it('detects a corrupted wrapped key', () => {
    expect(() => unwrapTripleDes(Buffer.alloc(24, 0x5b), Buffer.alloc(40, 1))).toThrow(KeyUnwrapError);
  });
});
