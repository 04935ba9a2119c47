package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// The output files of a command are never half-true. Each path is checked
// before the command does any work (a search may take hours, and a typo in
// -o should not cost them), and what the command writes goes first into a
// temporary file beside its destination. Only when every output of the run
// has been written are the temporaries renamed into place; if one fails,
// all are removed, so that no file claims a result the run could not
// deliver in full. A rename within a directory is atomic, so a reader
// sees the old file or the new one, never a part of either.

// outputFile is a file a command writes, with the flag that named it, for
// messages.
type outputFile struct {
	flag string
	path string
}

// checkOutputs checks, before any work, that a command can write its
// output files and its directory of traces (traceDir; the flag naming it
// is traceFlag, and both are empty when there is none): every file's
// directory exists and takes new files, no path is a directory, and no
// two outputs name the same file. Its errors are usage errors naming the
// flag and the path.
func checkOutputs(files []outputFile, traceFlag, traceDir string) error {
	seen := map[string]outputFile{}
	var infos []struct {
		o  outputFile
		fi fs.FileInfo
	}
	for _, o := range files {
		if st, err := os.Stat(o.path); err == nil {
			if st.IsDir() {
				return usageErrf("%s %s is a directory: expected the path of a file to write", o.flag, o.path)
			}
			for _, prev := range infos {
				if os.SameFile(prev.fi, st) {
					return sameFileErr(prev.o, o)
				}
			}
			infos = append(infos, struct {
				o  outputFile
				fi fs.FileInfo
			}{o, st})
		}
		abs, err := filepath.Abs(o.path)
		if err != nil {
			return usageErrf("%s %s: %v", o.flag, o.path, err)
		}
		if prev, dup := seen[abs]; dup {
			return sameFileErr(prev, o)
		}
		seen[abs] = o
		if err := checkWritableDir(o.flag, o.path, filepath.Dir(o.path)); err != nil {
			return err
		}
	}
	if traceDir == "" {
		return nil
	}
	abs, err := filepath.Abs(traceDir)
	if err != nil {
		return usageErrf("%s %s: %v", traceFlag, traceDir, err)
	}
	if prev, dup := seen[abs]; dup {
		return usageErrf("%s and %s both name %s: %s writes a file there and %s a directory of traces", prev.flag, traceFlag, traceDir, prev.flag, traceFlag)
	}
	// The directory is made when the traces are saved, so here it is
	// enough that it exists or that its nearest existing ancestor is a
	// directory that takes new entries.
	dir := traceDir
	for {
		st, err := os.Stat(dir)
		if err == nil {
			if !st.IsDir() {
				if dir == traceDir {
					return usageErrf("%s %s is not a directory: expected a directory to save traces in (it is made if missing)", traceFlag, traceDir)
				}
				return usageErrf("%s %s: %s is not a directory, so the directory of traces cannot be made", traceFlag, traceDir, dir)
			}
			return checkWritableDir(traceFlag, traceDir, dir)
		}
		// ENOTDIR: a file stands where a directory of the path should;
		// going up finds it and says so.
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return usageErrf("%s %s: %v", traceFlag, traceDir, unwrapPathErr(err))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return usageErrf("%s %s: no part of the path exists", traceFlag, traceDir)
		}
		dir = parent
	}
}

func sameFileErr(a, b outputFile) error {
	if a.path == b.path {
		return usageErrf("%s and %s both name %s: each output needs a file of its own", a.flag, b.flag, b.path)
	}
	return usageErrf("%s %s and %s %s are the same file: each output needs a file of its own", a.flag, a.path, b.flag, b.path)
}

// checkWritableDir checks that dir, the directory where the output path
// of flag goes, exists and takes new files. The only reliable test of the
// latter (permissions, read-only mounts, access control lists) is to make
// a file there, so it makes one and removes it.
func checkWritableDir(flag, path, dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usageErrf("%s %s: the directory %s does not exist", flag, path, dir)
	case err != nil:
		return usageErrf("%s %s: %v", flag, path, unwrapPathErr(err))
	case !st.IsDir():
		return usageErrf("%s %s: %s is not a directory", flag, path, dir)
	}
	probe, err := os.CreateTemp(dir, ".tcpcheck-probe-*")
	if err != nil {
		return usageErrf("%s %s: cannot create files in the directory %s: %v", flag, path, dir, unwrapPathErr(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// unwrapPathErr drops the operation and path of a *fs.PathError, which
// messages here already name.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// staged is a set of outputs written into temporary files beside their
// destinations, to be renamed into place together by commit, or removed
// by discard.
type staged struct {
	files []stagedFile
	// dirs are the directories mkdir made, innermost last, which discard
	// removes again.
	dirs []string
}

type stagedFile struct {
	flag, tmp, path string
}

// add writes data into a temporary file in path's directory. Its name
// starts with a dot and the destination's name, so that a temporary left
// by a killed process is easy to recognise.
func (s *staged) add(flag, path string, data []byte) error {
	// A directory in the way would fail only the rename, after other
	// outputs may have been renamed; find it now.
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usageErrf("%s %s is a directory: expected the path of a file to write", flag, path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return usageErrf("%s %s: %v", flag, path, unwrapPathErr(err))
	}
	s.files = append(s.files, stagedFile{flag, f.Name(), path})
	_, err = f.Write(data)
	if err == nil {
		// Without this, a crash soon after the rename could leave the
		// new name on an empty file on some file systems.
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// CreateTemp makes the file private; outputs are ordinary files,
		// as os.WriteFile would make them.
		err = os.Chmod(f.Name(), 0o644)
	}
	if err != nil {
		return usageErrf("%s %s: %v", flag, path, unwrapPathErr(err))
	}
	return nil
}

// mkdir makes dir and its missing parents, remembering which it made.
func (s *staged) mkdir(flag, dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		missing = append(missing, d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageErrf("%s %s: %v", flag, dir, unwrapPathErr(err))
	}
	for i := len(missing) - 1; i >= 0; i-- {
		s.dirs = append(s.dirs, missing[i])
	}
	return nil
}

// discard removes every temporary file and every directory mkdir made.
// It does nothing after commit.
func (s *staged) discard() {
	for _, f := range s.files {
		os.Remove(f.tmp)
	}
	for i := len(s.dirs) - 1; i >= 0; i-- {
		os.Remove(s.dirs[i]) // only if empty: it may hold files of others by now
	}
	s.files, s.dirs = nil, nil
}

// commit renames every temporary file into place. A rename in the same
// directory fails only in rare cases (the directory was removed or made
// read-only meanwhile); then the outputs not yet renamed are removed and
// the error says which file failed.
func (s *staged) commit() error {
	for i, f := range s.files {
		if err := os.Rename(f.tmp, f.path); err != nil {
			s.files = s.files[i:]
			s.dirs = nil
			s.discard()
			return usageErrf("%s %s: %v", f.flag, f.path, unwrapRenameErr(err))
		}
	}
	s.files, s.dirs = nil, nil
	return nil
}

func unwrapRenameErr(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// writeOutputFile writes one output file through a temporary file.
func writeOutputFile(flag, path string, data []byte) error {
	var s staged
	defer s.discard()
	if err := s.add(flag, path, data); err != nil {
		return err
	}
	return s.commit()
}

// checkTraceNames checks that no output file is one of the files the
// traces will be saved in: names are the trace files of the run (see
// report.TraceFileNames). Names are compared ignoring case, as the trace
// names are made unique.
func checkTraceNames(files []outputFile, traceFlag, traceDir string, names map[string]string) error {
	dir, err := filepath.Abs(traceDir)
	if err != nil {
		return usageErrf("%s %s: %v", traceFlag, traceDir, err)
	}
	for _, o := range files {
		abs, err := filepath.Abs(o.path)
		if err != nil || filepath.Dir(abs) != dir {
			continue
		}
		for prop, file := range names {
			if strings.EqualFold(filepath.Base(abs), file) {
				return usageErrf("%s %s is where %s saves the trace of property %s: each output needs a file of its own", o.flag, o.path, traceFlag, prop)
			}
		}
	}
	return nil
}
