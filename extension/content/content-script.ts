// Placeholder until the extension shell lands; replaced by the real entry point.
export {};
