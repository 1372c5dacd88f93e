/** Most text is pure ASCII; this test lets the Unicode-aware work skip it. */
export const NON_ASCII = /[\u0080-\uffff]/;
