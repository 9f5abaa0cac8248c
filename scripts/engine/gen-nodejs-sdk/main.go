// gen-nodejs-sdk SCHEMA_JSON OUT_DIR: the TypeScript SDK of a Pulumi package schema.
//
// What `pulumi package gen-sdk --language nodejs` does, from the same code (the engine's own
// pkg/v3/codegen/nodejs, at the engine's version). The CLI delegates that command to the Node.js
// language host, a Go module the module proxy refuses here, so this calls the generator directly.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noPackages loads no other package: the fireworks schema refers to none but the built-in pulumi.json.
type noPackages struct{}

var errNone = errors.New("the fireworks schema refers to no other package")

func (noPackages) LoadPackage(string, *semver.Version) (*schema.Package, error) { return nil, errNone }
func (noPackages) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNone
}
func (noPackages) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNone
}
func (noPackages) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errNone
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen-nodejs-sdk SCHEMA_JSON OUT_DIR")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	check(err)
	var spec schema.PackageSpec
	check(json.Unmarshal(data, &spec))
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	check(err)
	if diags.HasErrors() {
		fmt.Fprintln(os.Stderr, diags.Error())
		os.Exit(1)
	}
	files, err := nodejs.GeneratePackage("pulumi-fireworks", pkg, map[string][]byte{}, nil, false, noPackages{})
	check(err)
	for name, content := range files {
		path := filepath.Join(os.Args[2], name)
		check(os.MkdirAll(filepath.Dir(path), 0o755))
		check(os.WriteFile(path, content, 0o644))
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
