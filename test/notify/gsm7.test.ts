import { gsm7Septets, toGsm7, toSingleSmsSegment } from '../../lambda/notify/gsm7';

describe('GSM-7 texts', () => {
  test('typographic characters are replaced, others removed', () => {
    expect(toGsm7('limit in 1.8 d … “uwsgi” – ok 🚨 ✓')).toBe('limit in 1.8 d ... "uwsgi" - ok  ');
  });

  test('extension characters count twice', () => {
    expect(gsm7Septets('a{b}€')).toBe(8);
  });

  test('long text is cut to 160 septets', () => {
    const text = toSingleSmsSegment('x'.repeat(150) + '[]'.repeat(10));

    expect(gsm7Septets(text)).toBe(159);
    expect(text.endsWith('[...')).toBe(true);
  });
});
