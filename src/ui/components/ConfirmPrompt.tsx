import { Box, Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import { wrapText } from '../wrap.js';
import { useTerminalSize } from './terminal-size.js';

/**
 * The approval prompt: the user types a value and presses Enter; only "yes" approves. Ctrl+C or Escape answer no,
 * so nothing is ever applied by accident.
 */
export function ConfirmPrompt({
  question,
  onAnswer,
}: {
  question: string;
  onAnswer: (approved: boolean, typed: string) => void;
}) {
  const { width } = useTerminalSize();
  const [typed, setTypedState] = useState('');
  const [answered, setAnswered] = useState<string | undefined>(undefined);
  // Keys can arrive faster than React re-renders: the ref always holds what was really typed.
  const typedRef = useRef('');
  const answeredRef = useRef(false);
  const setTyped = (change: (current: string) => string): void => {
    typedRef.current = change(typedRef.current);
    setTypedState(typedRef.current);
  };

  const submit = (value: string): void => {
    if (answeredRef.current) return;
    answeredRef.current = true;
    setAnswered(value);
    onAnswer(value.trim() === 'yes', value);
  };

  useInput(
    (input, key) => {
      if (key.return) submit(typedRef.current);
      else if ((key.ctrl && input === 'c') || key.escape) submit('');
      else if (key.backspace || key.delete) setTyped((current) => current.slice(0, -1));
      else if (!key.ctrl && !key.meta && input) {
        // Pasted text arrives in one chunk, Enter included: submit what precedes the line break.
        const lineBreak = input.search(/[\r\n]/);
        if (lineBreak >= 0) submit(typedRef.current + input.slice(0, lineBreak));
        else setTyped((current) => current + input);
      }
    },
    { isActive: answered === undefined },
  );

  return (
    <Box flexDirection="column">
      {wrapText(question, width, 2)
        .split('\n')
        .map((line, index) => (
          <Text key={index} bold>
            {line}
          </Text>
        ))}
      <Text>{'  imageform will perform the actions described above.'}</Text>
      <Text>
        {'  Type '}
        <Text bold>yes</Text>
        {' to approve; any other answer cancels.'}
      </Text>
      <Text> </Text>
      <Text>
        {'  '}
        <Text bold>Enter a value:</Text> {answered ?? typed}
        {answered === undefined ? <Text inverse> </Text> : null}
      </Text>
    </Box>
  );
}
