#!/usr/bin/perl
# Reads the mutant catalogue (ci/mutants/catalogue.txt) for ci/mutants.sh.
#   mutant.pl CATALOGUE list             name<TAB>file<TAB>bug<TAB>focus
#   mutant.pl CATALOGUE check TREE       every mutant's replacement matches
#                                        exactly once in TREE; exit 1 if not
#   mutant.pl CATALOGUE apply NAME TREE  patch TREE/<file> in place
# A record: "[name]", then "file:", "bug:", "from:", "to:" and optional
# "why:", "focus:" lines; "from+" / "to+" lines continue from/to with a newline.
use strict;
use warnings;

my ($cat, $cmd, @args) = @ARGV;
die "usage: mutant.pl CATALOGUE list|check TREE|apply NAME TREE\n"
  unless defined $cat && defined $cmd;

sub load {
  open my $fh, '<', $cat or die "$cat: $!\n";
  my (@recs, %seen, $r);
  while (my $l = <$fh>) {
    chomp $l;
    my $where = "$cat:$.";
    next if $l =~ /^\s*(#|$)/;
    if ($l =~ /^\[([a-z0-9][a-z0-9._-]*)\]\s*$/) {
      die "$where: mutant \"$1\" given twice\n" if $seen{$1}++;
      $r = { name => $1, line => $. };
      push @recs, $r;
      next;
    }
    die "$where: field outside a [name] record\n" unless $r;
    if ($l =~ /^(file|bug|from|to|why|focus):\s?(.*)$/) {
      die "$where: \"$1\" given twice\n" if exists $r->{$1};
      $r->{$1} = $2;
    } elsif ($l =~ /^(from|to)\+\s?(.*)$/) {
      die "$where: \"$1+\" before \"$1:\"\n" unless exists $r->{$1};
      $r->{$1} .= "\n$2";
    } else {
      die "$where: cannot read \"$l\"\n";
    }
  }
  for my $m (@recs) {
    for my $k (qw(file bug from to)) {
      die "$cat:$m->{line}: [$m->{name}] has no \"$k:\"\n"
        unless defined $m->{$k} && length $m->{$k} || $k eq 'to';
    }
    die "$cat:$m->{line}: [$m->{name}] from and to are the same\n"
      if $m->{from} eq $m->{to};
  }
  return @recs;
}

sub count_in {
  my ($text, $pat) = @_;
  my ($n, $pos) = (0, 0);
  while ((my $i = index($text, $pat, $pos)) >= 0) { $n++; $pos = $i + 1; }
  return $n;
}

sub slurp {
  my $f = shift;
  open my $fh, '<', $f or die "$f: $!\n";
  local $/;
  return scalar <$fh>;
}

my @recs = load();
if ($cmd eq 'list') {
  print "$_->{name}\t$_->{file}\t$_->{bug}\t", ($_->{focus} // ''), "\n"
    for @recs;
} elsif ($cmd eq 'check') {
  my $tree = $args[0] // die "check needs TREE\n";
  my $bad = 0;
  for my $m (@recs) {
    my $n = count_in(slurp("$tree/$m->{file}"), $m->{from});
    next if $n == 1;
    print STDERR "$cat:$m->{line}: [$m->{name}] \"from\" matches $n times in $m->{file} (must be once)\n";
    $bad = 1;
  }
  exit $bad;
} elsif ($cmd eq 'apply') {
  my ($name, $tree) = @args;
  die "apply needs NAME TREE\n" unless defined $tree;
  my ($m) = grep { $_->{name} eq $name } @recs;
  die "no mutant \"$name\" in $cat\n" unless $m;
  my $f = "$tree/$m->{file}";
  my $text = slurp($f);
  my $n = count_in($text, $m->{from});
  die "$cat:$m->{line}: [$name] \"from\" matches $n times in $m->{file} (must be once)\n"
    unless $n == 1;
  my $i = index($text, $m->{from});
  substr($text, $i, length $m->{from}) = $m->{to};
  open my $out, '>', $f or die "$f: $!\n";
  print $out $text;
  close $out or die "$f: $!\n";
} else {
  die "unknown command \"$cmd\"\n";
}
