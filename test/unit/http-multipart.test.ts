/** The multipart/form-data reader: RFC 7578 bodies, RFC 8058's printed example, and broken input. */
import { describe, expect, it } from 'vitest';
import { boundaryOf, parseMultipart } from '../../functions/http/multipart.ts';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('boundaryOf', () => {
  it('reads plain and quoted boundaries, anywhere among the parameters', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(boundaryOf('multipart/form-data;boundary=---x')).toBe('---x');
  });
  it('has none when missing or absurdly long', () => {
    expect(boundaryOf('multipart/form-data')).toBeNull();
    expect(boundaryOf(`multipart/form-data; boundary=${'x'.repeat(201)}`)).toBeNull();
  });
});

describe('parseMultipart', () => {
  it('reads text fields, keeps the first of a repeated name, skips files, decodes UTF-8', () => {
    const body = crlf(
      'preamble to ignore',
      '--XyZ',
      'Content-Disposition: form-data; name="email"',
      '',
      'taro@example.jp',
      '--XyZ',
      'Content-Disposition: form-data; name="email"',
      '',
      'second@example.jp',
      '--XyZ',
      'Content-Disposition: form-data; name="upload"; filename="a.txt"',
      'Content-Type: text/plain',
      '',
      'file content',
      '--XyZ',
      'Content-Disposition: form-data; name=note',
      '',
      '日本語',
      'two lines',
      '--XyZ--',
      'epilogue',
    );
    expect(Object.fromEntries(parseMultipart(body, 'XyZ')!)).toEqual({
      email: 'taro@example.jp',
      note: '日本語\r\ntwo lines',
    });
  });

  it('reads RFC 8058 §8.3 as printed: delimiter lines are the bare boundary', () => {
    const body = crlf(
      '---FormBoundaryjWmhtjORrn',
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      '---FormBoundaryjWmhtjORrn--',
    );
    expect(parseMultipart(body, '---FormBoundaryjWmhtjORrn')?.get('List-Unsubscribe')).toBe('One-Click');
    // …and with the errata's boundary parameter, where the same lines are standard delimiters.
    expect(parseMultipart(body, '-FormBoundaryjWmhtjORrn')?.get('List-Unsubscribe')).toBe('One-Click');
  });

  it('refuses a body without a delimiter, a part without a blank line, or a missing close delimiter', () => {
    expect(parseMultipart(Buffer.from('List-Unsubscribe=One-Click'), 'b')).toBeNull();
    expect(parseMultipart(crlf('--b', 'Content-Disposition: form-data; name="x"'), 'b')).toBeNull();
    expect(
      parseMultipart(crlf('--b', 'Content-Disposition: form-data; name="x"', '', 'value'), 'b'),
    ).toBeNull();
  });

  it('needs an opening delimiter; a part with no headers and no content is an empty form', () => {
    expect(parseMultipart(crlf('--b--'), 'b')).toBeNull();
    expect(parseMultipart(crlf('--b', '', '', '--b--'), 'b')?.size).toBe(0);
  });
});
