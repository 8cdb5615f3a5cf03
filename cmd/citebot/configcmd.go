package main

import (
	"context"
	"io"
)

// cmdConfig prints the effective configuration with secrets redacted.
func cmdConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse("config", args, stderr, nil)
	if err != nil {
		return err
	}
	_, err = c.cfg.WriteTo(stdout)
	return err
}
