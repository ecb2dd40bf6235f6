<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Cohort::Ui::AppController</name>
    <message numerus="yes">
        <source>%n message(s) you wrote have not been sent yet.</source>
        <translation>
            <numerusform>%n message you wrote has not been sent yet.</numerusform>
            <numerusform>%n messages you wrote have not been sent yet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Your changes to %n code file(s) are not on the server.</source>
        <translation>
            <numerusform>Your changes to %n code file are not on the server.</numerusform>
            <numerusform>Your changes to %n code files are not on the server.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::ChatPane</name>
    <message numerus="yes">
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n member</numerusform>
            <numerusform>%n members</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2 · %3/%n member(s)</source>
        <translation>
            <numerusform>%1 · %2 · %3/%n member</numerusform>
            <numerusform>%1 · %2 · %3/%n members</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2 · %n member(s)</source>
        <translation>
            <numerusform>%1 · %2 · %n member</numerusform>
            <numerusform>%1 · %2 · %n members</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>A message can carry at most %n file(s).</source>
        <translation>
            <numerusform>A message can carry at most %n file.</numerusform>
            <numerusform>A message can carry at most %n files.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::CodePane</name>
    <message numerus="yes">
        <source>%n participant(s)</source>
        <translation>
            <numerusform>%n participant</numerusform>
            <numerusform>%n participants</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n file(s) to %1.</source>
        <translation>
            <numerusform>Exported %n file to %1.</numerusform>
            <numerusform>Exported %n files to %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n earlier version(s) of your changes to this file are kept too: they follow.</source>
        <translation>
            <numerusform>%n earlier version of your changes to this file is kept too: it follows.</numerusform>
            <numerusform>%n earlier versions of your changes to this file are kept too: they follow.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Your changes to %n file(s) are not on the server yet. They are kept on this computer and sent when you open that session again.</source>
        <translation>
            <numerusform>Your changes to %n file are not on the server yet. They are kept on this computer and sent when you open that session again.</numerusform>
            <numerusform>Your changes to %n files are not on the server yet. They are kept on this computer and sent when you open that session again.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::FindBar</name>
    <message numerus="yes">
        <source>%n replaced</source>
        <translation>
            <numerusform>%n replaced</numerusform>
            <numerusform>%n replaced</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Cohort::Ui::MessageDelegate</name>
    <message numerus="yes">
        <source>%n reply(s)</source>
        <translation>
            <numerusform>%n reply</numerusform>
            <numerusform>%n replies</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · %n new</source>
        <translation>
            <numerusform>%1 · %n new</numerusform>
            <numerusform>%1 · %n new</numerusform>
        </translation>
    </message>
</context>
</TS>
