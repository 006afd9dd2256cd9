/** Capability and revoker tokens: encoding, the io-ts codecs, the MAC chain, minting,
 * offline attenuation, verification and conversion to the model's values. */
export * from './attenuate.ts';
export * from './codec.ts';
export * from './convert.ts';
export * from './format.ts';
export * from './guard.ts';
export * from './key.ts';
export * from './mac.ts';
export * from './message.ts';
export * from './mint.ts';
export * from './rights-bits.ts';
export * from './token.ts';
export * from './verify.ts';
export * from './write.ts';
export * from './read.ts';
export * from './base64url.ts';
