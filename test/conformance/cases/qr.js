// @ts-check
// otpkit/qr: the encoder against published symbols and capacities (vectors/qr-iso18004.json:
// ISO/IEC 18004:2015 Annex I and Figure 29 module for module, the Figure 1 text as zint draws it,
// Table 7 capacities), and both renderers read back against those symbols.
//
// The `otpkit/qr` namespace comes in as ctx.qr. The list of cases is built from the vectors alone, so a
// runner that forgets to pass ctx.qr still counts every case, and every one of them FAILS, naming the
// reason: QR support can never be skipped silently.

/**
 * The symbol as rows of '1' (dark) and '0' (light), with `margin` light modules around it.
 * @param {import('../index.js').QRMatrix} matrix
 */
function rowsOf(matrix, margin = 0) {
  const side = matrix.size + 2 * margin;
  return Array.from(
    { length: side },
    (_, y) =>
      Array.from({ length: side }, (_, x) => (matrix.isDark(x - margin, y - margin) ? '1' : '0'))
        .join(''),
  );
}

/**
 * Published rows with a light quiet zone of `margin` modules.
 * @param {string[]} rows
 * @param {number} margin
 */
function withMargin(rows, margin) {
  const blank = '0'.repeat(rows.length + 2 * margin);
  const pad = '0'.repeat(margin);
  return [
    ...Array.from({ length: margin }, () => blank),
    ...rows.map((r) => pad + r + pad),
    ...Array.from({ length: margin }, () => blank),
  ];
}

/**
 * The dark modules an SVG from qrToSVG paints, read from its one path of "M x y h n v1 h -n z" runs
 * (one-row rectangles), as rows of '1'/'0'; null when the path holds anything else (or paints outside).
 * @param {string} svg
 * @param {number} side
 */
function svgRows(svg, side) {
  const d = /<path [^>]*\bd="([^"]*)"/.exec(svg)?.[1];
  if (d === undefined || d.replace(/M(\d+) (\d+)h(\d+)v1h-\3z/g, '') !== '') return null;
  const grid = Array.from({ length: side }, () => Array.from({ length: side }, () => '0'));
  for (const [, x, y, n] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const row = grid[Number(y)];
    if (row === undefined || Number(x) + Number(n) > side) return null;
    for (let i = 0; i < Number(n); i++) row[Number(x) + i] = '1';
  }
  return grid.map((row) => row.join(''));
}

/**
 * The half rows a qrToTerminal picture paints: '1' where a block covers the top or bottom half of a cell.
 * @param {string} text
 */
function terminalRows(text) {
  return text.split('\n').flatMap((line) => {
    const chars = [...line];
    return [
      chars.map((c) => (c === '▀' || c === '█' ? '1' : '0')).join(''),
      chars.map((c) => (c === '▄' || c === '█' ? '1' : '0')).join(''),
    ];
  });
}

/** @type {import('../index.js').CaseFactory} */
export default function qrCases({ otp, qr, vectors, assert }) {
  const data = vectors['qr-iso18004'];
  /** @type {import('../index.js').ConformanceCase[]} */
  const cases = [];
  /**
   * @param {string} name
   * @param {(qr: import('../index.js').OTPKitQR) => void} run
   */
  const add = (name, run) => {
    cases.push({
      name,
      run: () => {
        if (typeof qr !== 'object' || qr === null || typeof qr.encodeQR !== 'function') {
          throw new assert.AssertionError(
            'this runner passed no otpkit/qr namespace (ctx.qr): every runner must load otpkit/qr the way it loads otpkit',
          );
        }
        run(qr);
      },
    });
  };
  const wrong = assert.wrongType; // a wrong type on purpose: hostile input
  const textOf = (/** @type {{ text: string, repeat?: number }} */ c) =>
    c.text.repeat(c.repeat ?? 1);
  /** Annex I's symbol ("01234567", 1-M), with its rows; looked up when a case runs. */
  const annexI = () => {
    const c = assert.defined(
      data.valid.find((c) => c.text === '01234567' && c.rows),
      'the Annex I symbol',
    );
    return { text: c.text, options: c.options, rows: assert.defined(c.rows, 'its rows') };
  };
  // dist/qr.js carries its own copy of OTPError, so only isOTPError (not instanceof) may recognise its
  // errors: that cross-copy recognition is part of what is checked here.
  /**
   * @param {() => unknown} fn
   * @param {import('../index.js').OTPErrorCode} code
   * @param {string} message
   */
  const throwsQRError = (fn, code, message) => {
    let result;
    try {
      result = fn();
    } catch (error) {
      const actual = error instanceof Error && 'code' in error ? error.code : undefined;
      if (!(error instanceof Error) || error.name !== 'OTPError' || actual !== code) {
        throw new assert.AssertionError(
          `${message}: expected OTPError ${code}, got ${assert.show(error)} (${String(actual)})`,
        );
      }
      assert.equal(
        otp.isOTPError(error),
        true,
        `${message}: otpkit's isOTPError recognises the otpkit/qr error`,
      );
      return error;
    }
    throw new assert.AssertionError(
      `${message}: expected a thrown OTPError ${code}, got ${assert.show(result)}`,
    );
  };

  for (const c of data.valid) {
    add(`encodeQR: ${c.name}`, ({ encodeQR }) => {
      const m = encodeQR(textOf(c), c.options);
      assert.equal(m.version, c.version, 'version');
      assert.equal(m.ecc, c.ecc, 'ecc');
      assert.equal(m.size, c.size, 'size');
      assert.equal(m.size, 17 + 4 * c.version, 'size = 17 + 4 x version');
      if (c.mask !== undefined) assert.equal(m.mask, c.mask, 'mask');
      else {assert.ok(
          Number.isInteger(m.mask) && m.mask >= 0 && m.mask <= 7,
          `mask ${m.mask} in 0..7`,
        );}
      if (c.rows) assert.deepEqual(rowsOf(m), c.rows, 'modules');
    });
  }
  for (const c of data.invalid) {
    add(`encodeQR refuses with ${c.code}: ${c.name}`, ({ encodeQR }) => {
      // The options may be deliberately wrong (a level "m", a minVersion 0): hostile input.
      const error = throwsQRError(() => encodeQR(textOf(c), wrong(c.options)), c.code, c.name);
      if (c.repeat) {
        assert.ok(!error.message.includes(textOf(c).slice(0, 20)), 'the message repeats the text');
        // Messages are plain ASCII: a character of the text outside it (a "€") is the text leaking.
        if (!/^[\x20-\x7e]*$/.test(c.text)) {
          assert.ok(!error.message.includes(c.text), 'the message holds a character of the text');
        }
      }
    });
  }
  add(
    'encodeQR: a non-string text or options that are not an object are ERR_INVALID_OPTION',
    ({ encodeQR }) => {
      for (const text of [undefined, null, 42, new Uint8Array(3)]) {
        throwsQRError(
          () => encodeQR(wrong(text)),
          'ERR_INVALID_OPTION',
          `text ${assert.show(text)}`,
        );
      }
      for (const options of [null, 'M', 1]) {
        throwsQRError(
          () => encodeQR('a', wrong(options)),
          'ERR_INVALID_OPTION',
          `options ${assert.show(options)}`,
        );
      }
    },
  );
  add('isDark is false outside the symbol and for non-integer coordinates', ({ encodeQR }) => {
    const annex = annexI();
    const m = encodeQR(annex.text, annex.options);
    assert.deepEqual([
      m.isDark(0, 0),
      m.isDark(-1, 0),
      m.isDark(0, -1),
      m.isDark(21, 0),
      m.isDark(0, 21),
      m.isDark(0.5, 0),
      m.isDark(Number.NaN, 0),
    ], [true, false, false, false, false, false, false]);
  });

  add(
    'qrToSVG: one path, a viewBox in modules with the 4-module quiet zone, crispEdges, stroke none, white background, no script; width and height when asked',
    ({ encodeQR, qrToSVG }) => {
      const annex = annexI();
      const m = encodeQR(annex.text, annex.options);
      const svg = qrToSVG(m);
      assert.ok(
        svg.startsWith(
          '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" shape-rendering="crispEdges">',
        ),
        `opening tag of ${svg.slice(0, 120)}`,
      );
      assert.ok(svg.endsWith('</svg>'), 'closing tag');
      assert.equal(svg.match(/<path\b/g)?.length, 1, 'one <path>');
      assert.equal(svg.match(/<rect\b/g)?.length, 1, 'one background <rect>');
      assert.ok(
        svg.includes('<rect width="29" height="29" fill="#fff" stroke="none"/>'),
        'white background over the whole picture, not stroked',
      );
      assert.ok(svg.includes('<path fill="#000" stroke="none" d="'), 'black modules, not stroked');
      assert.ok(!/<script|\bon\w+=|javascript:/i.test(svg), 'no script');
      const opening = (/** @type {unknown} */ options) => qrToSVG(m, wrong(options)).split('><')[0];
      assert.equal(
        opening({ width: 290 }),
        '<svg xmlns="http://www.w3.org/2000/svg" width="290" height="290" viewBox="0 0 29 29" shape-rendering="crispEdges"',
        'width alone gives both',
      );
      assert.ok(
        opening({ height: '40mm' })?.includes(' width="40mm" height="40mm" '),
        'height alone',
      );
      assert.ok(
        opening({ width: 100, height: '50%' })?.includes(' width="100" height="50%" '),
        'both',
      );
      for (
        const size of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '0mm', '40 mm', '1rem', '"']
      ) {
        for (const name of ['width', 'height']) {
          throwsQRError(
            () => qrToSVG(m, wrong({ [name]: size })),
            'ERR_INVALID_OPTION',
            `qrToSVG ${name} ${assert.show(size)}`,
          );
        }
      }
    },
  );
  add(
    'qrToSVG: the path paints exactly the dark modules of Annex I, at margin 4 and 0',
    ({ encodeQR, qrToSVG }) => {
      const annex = annexI();
      const m = encodeQR(annex.text, annex.options);
      for (const margin of [4, 0, 1]) {
        const svg = qrToSVG(m, margin === 4 ? undefined : { margin });
        const side = 21 + 2 * margin;
        assert.ok(svg.includes(`viewBox="0 0 ${side} ${side}"`), `viewBox at margin ${margin}`);
        assert.deepEqual(
          svgRows(svg, side),
          withMargin(annex.rows, margin),
          `modules at margin ${margin}`,
        );
      }
    },
  );
  add(
    'qrToSVG: light null leaves the background transparent; colours are escaped, so no markup gets in',
    ({ encodeQR, qrToSVG }) => {
      const annex = annexI();
      const m = encodeQR(annex.text, annex.options);
      const transparent = qrToSVG(m, { light: null, dark: 'currentColor' });
      assert.ok(!transparent.includes('<rect'), 'no background rect');
      assert.ok(transparent.includes('<path fill="currentColor" '), 'dark colour');
      assert.equal(transparent.match(/</g)?.length, 3, '<svg>, <path>, </svg> only');
      const hostile = qrToSVG(m, {
        dark: '"/><script>alert(1)</script>',
        light: "red' onload='x&",
      });
      assert.ok(!/<script|onload='/.test(hostile), 'no injected markup');
      assert.equal(hostile.match(/</g)?.length, 4, '<svg>, <rect>, <path>, </svg> only');
      for (
        const options of [{ margin: -1 }, { margin: 65 }, { margin: 1.5 }, { dark: '' }, {
          light: 0,
        }, null]
      ) {
        throwsQRError(
          () => qrToSVG(m, wrong(options)),
          'ERR_INVALID_OPTION',
          `qrToSVG options ${assert.show(options)}`,
        );
      }
      for (const matrix of [undefined, null, {}, { size: 20, isDark: () => true }]) {
        throwsQRError(
          () => qrToSVG(wrong(matrix)),
          'ERR_INVALID_OPTION',
          `qrToSVG matrix ${assert.show(matrix)}`,
        );
      }
    },
  );

  add(
    'qrToTerminal: two module rows per line, ceil((size + 2 x margin) / 2) lines of half blocks',
    ({ encodeQR, qrToTerminal }) => {
      for (const c of data.valid.filter((v) => v.rows)) {
        const m = encodeQR(c.text, c.options);
        for (const margin of [4, 0, 1]) {
          const side = m.size + 2 * margin;
          const lines = qrToTerminal(m, margin === 4 ? undefined : { margin }).split('\n');
          assert.equal(
            lines.length,
            Math.ceil(side / 2),
            `${c.text.slice(0, 10)} margin ${margin}: lines`,
          );
          for (const line of lines) {
            assert.equal([...line].length, side, 'characters per line');
            assert.ok(
              /^[ ▀▄█]+$/.test(line),
              `only half blocks and spaces in ${JSON.stringify(line)}`,
            );
          }
        }
      }
    },
  );
  add(
    'qrToTerminal: paints the light modules by default and the dark ones with invert (Annex I read back)',
    ({ encodeQR, qrToTerminal }) => {
      const annex = annexI();
      const m = encodeQR(annex.text, annex.options);
      const picture = withMargin(annex.rows, 4); // 29 rows: the last line's bottom half stays blank
      const blank = '0'.repeat(29);
      assert.deepEqual(
        terminalRows(qrToTerminal(m, { invert: true })),
        [...picture, blank],
        'invert: dark modules',
      );
      const light = picture.map((row) => row.replace(/[01]/g, (b) => (b === '1' ? '0' : '1')));
      assert.deepEqual(
        terminalRows(qrToTerminal(m)),
        [...light, blank],
        'default: light modules and quiet zone',
      );
      throwsQRError(
        () => qrToTerminal(m, { invert: wrong('yes') }),
        'ERR_INVALID_OPTION',
        'invert "yes"',
      );
    },
  );
  return cases;
}
