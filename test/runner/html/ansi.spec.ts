import { strict as assert } from 'node:assert';
import { ansiToHtml, applyTerminalControls } from '../../../lib/runner/html/ansi';

describe('runner/html/ansi', () => {
  it('escapes HTML in terminal text', () => {
    assert.equal(ansiToHtml('<script>alert("x") & co</script>'), '&lt;script&gt;alert(&quot;x&quot;) &amp; co&lt;/script&gt;');
  });

  it('turns standard colours and decorations into classes', () => {
    const html = ansiToHtml('\u001b[31mred\u001b[0m plain \u001b[1;92mbold green\u001b[0m');
    assert.match(html, /<span class="ansi-red-fg">red<\/span>/);
    assert.match(html, / plain /);
    assert.match(html, /<span class="ansi-bright-green-fg ansi-bold">bold green<\/span>/);
  });

  it('gives 256-colour and truecolor text an inline rgb colour', () => {
    assert.match(ansiToHtml('\u001b[38;2;10;20;30mtrue\u001b[0m'), /style="color: rgb\(10, 20, 30\)"/);
    assert.match(ansiToHtml('\u001b[38;5;196mcube\u001b[0m'), /style="color: rgb\(255, 0, 0\)"/);
    assert.match(ansiToHtml('\u001b[48;5;232mgrey\u001b[0m'), /style="background-color: rgb\(8, 8, 8\)"/);
  });

  it('drops cursor and erase sequences', () => {
    assert.equal(ansiToHtml('\u001b[2Kdone\u001b[?25h'), 'done');
  });

  it('keeps the last state of a line redrawn with carriage returns', () => {
    assert.equal(applyTerminalControls('epoch 1  10%\repoch 1  50%\repoch 1 100%\nnext'), 'epoch 1 100%\nnext');
    assert.equal(applyTerminalControls('abcdef\rXY'), 'XYcdef');
    assert.equal(applyTerminalControls('line\r\nnext'), 'line\nnext');
  });

  it('applies backspaces', () => {
    assert.equal(applyTerminalControls('abc\b\bd'), 'ad');
  });
});
